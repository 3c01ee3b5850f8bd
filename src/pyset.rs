//! Python's `set`: one shared, mutable object whose iteration order is CPython 3.11's, because
//! the hash table is CPython's (`Objects/setobject.c`: 8 slots to start, linear probes of 9,
//! perturbed probing, resize at 3/5 full, dummies on removal). With CPython's hashes (ints by
//! value, str by SipHash-1-3 under PYTHONHASHSEED=0) `print({3, 1, 2})` and `print(set("abc"))`
//! show what CPython shows. Equality of members is Python's `==` (given by the caller).
use std::cell::RefCell;
use std::rc::Rc;

use crate::value::Value;

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

#[derive(Clone)]
enum Slot {
    Empty,
    Dummy,
    Active(i64, Value),
}

/// The table of a set.
#[derive(Clone)]
pub struct SetTable {
    table: Vec<Slot>,
    fill: usize,
    used: usize,
    finger: usize,
}

/// Python's `==` between two members (equal hashes already checked).
pub type Eq<'a> = &'a dyn Fn(&Value, &Value) -> bool;

impl Default for SetTable {
    fn default() -> Self {
        SetTable { table: vec![Slot::Empty; MIN_SIZE], fill: 0, used: 0, finger: 0 }
    }
}

impl SetTable {
    fn mask(&self) -> usize {
        self.table.len() - 1
    }
    pub fn len(&self) -> usize {
        self.used
    }
    pub fn is_empty(&self) -> bool {
        self.used == 0
    }
    /// The members with their hashes, in iteration order.
    pub fn entries(&self) -> Vec<(i64, Value)> {
        self.table
            .iter()
            .filter_map(|s| match s {
                Slot::Active(h, v) => Some((*h, v.clone())),
                _ => None,
            })
            .collect()
    }
    pub fn items(&self) -> Vec<Value> {
        self.entries().into_iter().map(|(_, v)| v).collect()
    }

    /// The slot holding a member equal to `key`, if any.
    fn find(&self, key: &Value, hash: i64, eq: Eq) -> Option<usize> {
        let mask = self.mask();
        let mut perturb = hash as u64 as usize;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            for j in i..=i + probes {
                match &self.table[j] {
                    Slot::Empty => return None,
                    Slot::Active(h, v) if *h == hash && (v.is(key) || eq(v, key)) => return Some(j),
                    _ => {}
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & mask;
        }
    }

    pub fn contains(&self, key: &Value, hash: i64, eq: Eq) -> bool {
        self.find(key, hash, eq).is_some()
    }

    /// `set_add_entry`.
    pub fn add(&mut self, key: Value, hash: i64, eq: Eq) {
        let mask = self.mask();
        let mut perturb = hash as u64 as usize;
        let mut i = (hash as u64 as usize) & mask;
        let mut freeslot: Option<usize> = None;
        let found = loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            let mut hit = None;
            for j in i..=i + probes {
                match &self.table[j] {
                    Slot::Empty => {
                        hit = Some(Err(j));
                        break;
                    }
                    Slot::Active(h, v) if *h == hash && (v.is(&key) || eq(v, &key)) => {
                        hit = Some(Ok(()));
                        break;
                    }
                    // CPython 3.11 keeps the last dummy it passed.
                    Slot::Dummy => freeslot = Some(j),
                    _ => {}
                }
            }
            if let Some(h) = hit {
                break h;
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & mask;
        };
        let Err(empty) = found else { return };
        if let Some(f) = freeslot {
            self.used += 1;
            self.table[f] = Slot::Active(hash, key);
            return;
        }
        self.fill += 1;
        self.used += 1;
        self.table[empty] = Slot::Active(hash, key);
        if self.fill * 5 >= mask * 3 {
            self.resize(if self.used > 50000 { self.used * 2 } else { self.used * 4 });
        }
    }

    /// `set_insert_clean`: into a table known to hold neither the key nor dummies.
    fn insert_clean(table: &mut [Slot], key: Value, hash: i64) {
        let mask = table.len() - 1;
        let mut perturb = hash as u64 as usize;
        let mut i = (hash as u64 as usize) & mask;
        loop {
            if matches!(table[i], Slot::Empty) {
                table[i] = Slot::Active(hash, key);
                return;
            }
            if i + LINEAR_PROBES <= mask {
                for j in i + 1..=i + LINEAR_PROBES {
                    if matches!(table[j], Slot::Empty) {
                        table[j] = Slot::Active(hash, key);
                        return;
                    }
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb)) & mask;
        }
    }

    /// `set_table_resize`.
    fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        if size == MIN_SIZE && self.table.len() == MIN_SIZE && self.fill == self.used {
            // No dummies in the small table: nothing to do.
            return;
        }
        let old = std::mem::replace(&mut self.table, vec![Slot::Empty; size]);
        for s in old {
            if let Slot::Active(h, v) = s {
                SetTable::insert_clean(&mut self.table, v, h);
            }
        }
        self.fill = self.used;
    }

    /// `set_discard_entry`: whether it was there.
    pub fn discard(&mut self, key: &Value, hash: i64, eq: Eq) -> bool {
        match self.find(key, hash, eq) {
            Some(j) => {
                self.table[j] = Slot::Dummy;
                self.used -= 1;
                true
            }
            None => false,
        }
    }

    /// `set.pop()`: from the finger on.
    pub fn pop(&mut self) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut i = self.finger & mask;
        while !matches!(self.table[i], Slot::Active(..)) {
            i = (i + 1) & mask;
        }
        let Slot::Active(_, v) = std::mem::replace(&mut self.table[i], Slot::Dummy) else { return None };
        self.used -= 1;
        self.finger = i + 1;
        Some(v)
    }

    /// After a difference update: more than a quarter of the slots dummies, the table is rebuilt.
    pub fn purge_dummies(&mut self) {
        if self.fill - self.used <= self.mask() / 4 {
            return;
        }
        self.resize(if self.used > 50000 { self.used * 2 } else { self.used * 4 });
    }

    pub fn clear(&mut self) {
        *self = SetTable::default();
    }

    /// `set_merge`: `other`'s members added, with CPython's one big resize and table copy.
    pub fn merge(&mut self, other: &SetTable, eq: Eq) {
        if other.used == 0 {
            return;
        }
        if (self.fill + other.used) * 5 >= self.mask() * 3 {
            self.resize((self.used + other.used) * 2);
        }
        if self.fill == 0 && self.mask() == other.mask() && other.fill == other.used {
            self.table = other.table.clone();
            self.fill = other.fill;
            self.used = other.used;
            return;
        }
        if self.fill == 0 {
            self.fill = other.used;
            self.used = other.used;
            for s in &other.table {
                if let Slot::Active(h, v) = s {
                    SetTable::insert_clean(&mut self.table, v.clone(), *h);
                }
            }
            return;
        }
        for (h, v) in other.entries() {
            self.add(v, h, eq);
        }
    }

    /// The dict path of `set_update_internal`: one resize for all the keys, then each added.
    pub fn update_sized(&mut self, entries: Vec<(i64, Value)>, eq: Eq) {
        if (self.fill + entries.len()) * 5 >= self.mask() * 3 {
            self.resize((self.used + entries.len()) * 2);
        }
        for (h, v) in entries {
            self.add(v, h, eq);
        }
    }
}

/// A set object (`a = b` shares it).
#[derive(Clone, Default)]
pub struct SetRef(pub Rc<RefCell<SetTable>>);

impl SetRef {
    pub fn new(table: SetTable) -> SetRef {
        SetRef(Rc::new(RefCell::new(table)))
    }
    pub fn borrow(&self) -> std::cell::Ref<'_, SetTable> {
        self.0.borrow()
    }
    pub fn borrow_mut(&self) -> std::cell::RefMut<'_, SetTable> {
        self.0.borrow_mut()
    }
    pub fn is(&self, other: &SetRef) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
    pub fn items(&self) -> Vec<Value> {
        self.0.borrow().items()
    }
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
