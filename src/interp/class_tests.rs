//! Session-level tests of Python's object model for user code (`classes.rs`, `object.rs`):
//! plain classes and nn.Module subclasses, inheritance and `super()`, class attributes,
//! decorators, dunder methods, binding errors worded as CPython's, PyTorch's rule that
//! `super().__init__()` comes before parameters and submodules, and the short traceback of an
//! error raised inside a method.
use super::{OutKind, RunOptions, Session, StmtOutput, Targets};
use crate::error::ExcType;
use crate::value::Value;

fn run(code: &str) -> Vec<StmtOutput> {
    let mut s = Session::new();
    s.targets = Targets { json: true, ..Targets::default() };
    s.run(code, RunOptions { keep_going: true })
}

/// The value shown by the last statement, as Python's repr.
fn last(code: &str) -> String {
    let outs = run(code);
    let o = outs.last().expect("one output");
    assert_ne!(o.kind, OutKind::Error, "{code}: {}", o.text());
    o.value.as_ref().map(Value::py_repr).unwrap_or_default()
}

/// Everything `print` wrote, over all statements (each must succeed).
fn printed(code: &str) -> String {
    let outs = run(code);
    for o in &outs {
        assert_ne!(o.kind, OutKind::Error, "{code}: {}", o.text());
    }
    outs.iter().map(|o| o.printed.as_str()).collect()
}

/// The error text shown for the last statement (caret, hint, trace).
fn error_text(code: &str) -> String {
    run(code).last().and_then(|o| o.error_text.clone()).expect("an error")
}

fn error_of(code: &str) -> (ExcType, String) {
    let outs = run(code);
    match &outs.last().expect("one output").failure {
        Some(super::Failure::Raised(e)) => (e.exc, e.message.clone()),
        _ => panic!("{code}: expected an error"),
    }
}

const POINT: &str = "\
class Point:
    dims = 2
    def __init__(self, x, y=0):
        self.x = x
        self.y = y
    def norm2(self):
        return self.x * self.x + self.y * self.y
    def __repr__(self):
        return 'Point(' + str(self.x) + ', ' + str(self.y) + ')'
p = Point(3, 4)
";

#[test]
fn plain_classes_have_instance_and_class_attributes() {
    assert_eq!(last(&format!("{POINT}p.norm2()")), "25");
    assert_eq!(last(&format!("{POINT}(p.dims, Point.dims)")), "(2, 2)");
    // A class attribute set on the class is seen through the instance; an instance attribute
    // of the same name shadows it there only.
    assert_eq!(last(&format!("{POINT}Point.dims = 3\np.dims")), "3");
    assert_eq!(last(&format!("{POINT}p.dims = 5\n(p.dims, Point.dims)")), "(5, 2)");
    assert_eq!(last(&format!("{POINT}Point.norm2(p)")), "25");
    assert_eq!(last(&format!("{POINT}getattr(p, 'norm2')()")), "25");
    assert_eq!(last(&format!("{POINT}p.norm2.__self__ is p")), "True");
    assert_eq!(last(&format!("{POINT}p.__dict__")), "{'x': 3, 'y': 4}");
}

#[test]
fn classes_are_objects_with_python_type_relations() {
    assert_eq!(last(&format!("{POINT}type(p) is Point")), "True");
    assert_eq!(last(&format!("{POINT}type(p)")), "<class '__main__.Point'>");
    assert_eq!(last(&format!("{POINT}(Point.__name__, p.__class__ is Point, Point.__module__)")), "('Point', True, '__main__')");
    assert_eq!(last(&format!("{POINT}(isinstance(p, Point), isinstance(p, object), isinstance(3, Point), isinstance(p, (int, Point)))")), "(True, True, False, True)");
    assert_eq!(last(&format!("{POINT}Point.__mro__")), "(<class '__main__.Point'>, <class 'object'>)");
    assert_eq!(last("class A:\n    pass\nclass B(A):\n    pass\n(issubclass(B, A), issubclass(A, B), issubclass(B, object))"), "(True, False, True)");
    assert_eq!(last("class M(nn.Module):\n    pass\n(issubclass(M, nn.Module), isinstance(M(), nn.Module), M.__mro__)"),
        "(True, True, (<class '__main__.M'>, <class 'torch.nn.modules.module.Module'>, <class 'object'>))");
    assert_eq!(error_of("issubclass(1, int)"), (ExcType::TypeError, "issubclass() arg 1 must be a class".into()));
}

#[test]
fn reprs_use_the_user_dunders() {
    assert_eq!(printed(&format!("{POINT}print(p, [p])")), "Point(3, 4) [Point(3, 4)]\n");
    assert_eq!(last(&format!("{POINT}str(p)")), "'Point(3, 4)'");
    assert_eq!(error_of("class Q:\n    def __repr__(self):\n        return 3\nrepr(Q())"), (ExcType::TypeError, "__repr__ returned non-string (type int)".into()));
    assert_eq!(error_of("class Q:\n    def __repr__(self):\n        return 3\nprint(Q())"), (ExcType::TypeError, "__str__ returned non-string (type int)".into()));
    // An error raised inside __repr__ propagates out of print.
    assert_eq!(error_of("class Q:\n    def __repr__(self):\n        return self.nope\nprint(Q())").1, "'Q' object has no attribute 'nope'");
    // A module's own __repr__ and extra_repr.
    let m = "class N(nn.Module):\n    def __repr__(self):\n        return 'N!'\nclass E(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.n = N()\n    def extra_repr(self):\n        return 'k=1'\n";
    assert_eq!(printed(&format!("{m}print(E())")), "E(\n  k=1\n  (n): N!\n)\n");
}

#[test]
fn inheritance_and_super() {
    let zoo = "\
class Animal:
    sound = '...'
    def __init__(self, name):
        self.name = name
    def speak(self):
        return self.name + ' says ' + self.sound
    def kind(self):
        return 'animal'
class Dog(Animal):
    sound = 'woof'
    def __init__(self, name):
        super().__init__(name)
    def kind(self):
        return 'dog, an ' + super().kind()
class Puppy(Dog):
    def kind(self):
        return 'puppy, a ' + super(Puppy, self).kind()
d = Puppy('rex')
";
    assert_eq!(last(&format!("{zoo}d.speak()")), "'rex says woof'");
    assert_eq!(last(&format!("{zoo}d.kind()")), "'puppy, a dog, an animal'");
    assert_eq!(error_of("super()"), (ExcType::RuntimeError, "super(): no arguments".into()));
    assert_eq!(error_of("class S:\n    def f(self):\n        return super().f()\nS().f()"), (ExcType::AttributeError, "'super' object has no attribute 'f'".into()));
    // Module subclasses: super().__init__(args) of a user base, super().forward(x).
    let m = "\
class Base(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.k = k
    def forward(self, x):
        return x * self.k
class Derived(Base):
    def __init__(self):
        super().__init__(3)
    def forward(self, x):
        return super().forward(x) + 1
";
    assert_eq!(last(&format!("{m}Derived()(torch.ones(2))")), "tensor([4., 4.])");
    assert_eq!(last("class Old(nn.Module):\n    def __init__(self):\n        nn.Module.__init__(self)\n        self.lin = nn.Linear(1, 1)\n[k for k, v in Old().named_parameters()]"), "['lin.weight', 'lin.bias']");
    assert_eq!(error_of("class F(nn.Module):\n    def forward(self, x):\n        return super().forward(x)\nF()(1)"),
        (ExcType::NotImplementedError, "Module [F] is missing the required \"forward\" function".into()));
}

#[test]
fn decorators_property_staticmethod_classmethod() {
    let c = "\
class C:
    made = 0
    def __init__(self, n=0):
        C.made += 1
        self.n = n
    @property
    def double(self):
        return self.n * 2
    @double.setter
    def double(self, v):
        self.n = v // 2
    @property
    def frozen(self):
        return 1
    @staticmethod
    def make(k):
        return C(k)
    @classmethod
    def create(cls, k):
        return cls(k + 1)
c = C(3)
";
    assert_eq!(last(&format!("{c}c.double")), "6");
    assert_eq!(last(&format!("{c}c.double = 10\nc.n")), "5");
    assert_eq!(error_of(&format!("{c}c.frozen = 2")), (ExcType::AttributeError, "property 'frozen' of 'C' object has no setter".into()));
    assert_eq!(last(&format!("{c}(C.make(4).n, c.make(4).n, C.create(4).n, c.create(1).n)")), "(4, 4, 5, 2)");
    assert_eq!(last(&format!("{c}C.made")), "1");
    assert_eq!(last(&format!("{c}(type(C.__dict__['make']), type(C.double))")), "(<class 'staticmethod'>, <class 'property'>)");
    // Any callable decorates, bottom up.
    let d = "\
def twice(f):
    def wrapper(*args):
        return f(*args) * 2
    return wrapper
def plus(n):
    def deco(f):
        def wrapper(*args):
            return f(*args) + n
        return wrapper
    return deco
@twice
@plus(1)
def base(x):
    return x
class K:
    @twice
    def m(self, x):
        return x + 1
";
    assert_eq!(last(&format!("{d}(base(3), K().m(1))")), "(8, 4)");
    assert_eq!(error_of("@3\ndef f():\n    pass").1, "'int' object is not callable");
}

#[test]
fn dunder_methods() {
    let bag = "\
class Bag:
    def __init__(self, items):
        self.items = list(items)
    def __len__(self):
        return len(self.items)
    def __getitem__(self, i):
        return self.items[i]
    def __setitem__(self, i, v):
        self.items[i] = v
    def __contains__(self, x):
        return x in self.items
    def __iter__(self):
        return iter(self.items)
    def __call__(self, k, scale=1):
        return self.items[k] * scale
    def __eq__(self, other):
        return isinstance(other, Bag) and self.items == other.items
    def __add__(self, other):
        return Bag(self.items + [other])
    def __radd__(self, other):
        return Bag([other] + self.items)
    def __lt__(self, other):
        return len(self) < len(other)
    def __neg__(self):
        return Bag([-x for x in self.items])
b = Bag([1, 2, 3])
";
    assert_eq!(last(&format!("{bag}(len(b), b[1], b[-1], 2 in b, 5 not in b)")), "(3, 2, 3, True, True)");
    assert_eq!(last(&format!("{bag}b[1] = 20\nb.items")), "[1, 20, 3]");
    assert_eq!(last(&format!("{bag}[x * 2 for x in b]")), "[2, 4, 6]");
    assert_eq!(last(&format!("{bag}(b(1), b(2, scale=10))")), "(2, 30)");
    assert_eq!(last(&format!("{bag}(Bag([1]) == Bag([1]), Bag([1]) != Bag([1]), Bag([1]) == 1)")), "(True, False, False)");
    assert_eq!(last(&format!("{bag}((b + 4).items, (0 + b).items, (-b).items)")), "([1, 2, 3, 4], [0, 1, 2, 3], [-1, -2, -3])");
    assert_eq!(last(&format!("{bag}(Bag([1]) < Bag([1, 2]), Bag([1]) > Bag([1, 2]))")), "(True, False)");
    assert_eq!(last("class F:\n    def __len__(self):\n        return 0\nclass T:\n    def __bool__(self):\n        return True\n(not F(), not T())"), "(True, False)");
    let plain = "class P:\n    pass\n";
    assert_eq!(error_of(&format!("{plain}len(P())")), (ExcType::TypeError, "object of type 'P' has no len()".into()));
    assert_eq!(error_of(&format!("{plain}P()[0]")), (ExcType::TypeError, "'P' object is not subscriptable".into()));
    assert_eq!(error_of(&format!("{plain}P()(1)")), (ExcType::TypeError, "'P' object is not callable".into()));
    assert_eq!(error_of(&format!("{plain}P() + 1")), (ExcType::TypeError, "unsupported operand type(s) for +: 'P' and 'int'".into()));
    assert_eq!(error_of(&format!("{plain}1 in P()")), (ExcType::TypeError, "argument of type 'P' is not iterable".into()));
    assert_eq!(error_of(&format!("{plain}P() < P()")), (ExcType::TypeError, "'<' not supported between instances of 'P' and 'P'".into()));
    assert_eq!(error_of("class N:\n    def __len__(self):\n        return -1\nlen(N())"), (ExcType::ValueError, "__len__() should return >= 0".into()));
    // A user iterator: __next__ until StopIteration.
    let it = "class Count:\n    def __init__(self, n):\n        self.n = n\n        self.i = 0\n    def __iter__(self):\n        return self\n    def __next__(self):\n        if self.i >= self.n:\n            raise StopIteration\n        self.i += 1\n        return self.i\n";
    assert_eq!(last(&format!("{it}list(Count(3))")), "[1, 2, 3]");
    // __enter__ / __exit__ read as bound methods (the `with` statement looks them up so).
    let cm = "class R:\n    def __init__(self):\n        self.log = []\n    def __enter__(self):\n        self.log.append('in')\n        return self\n    def __exit__(self, a, b, c):\n        self.log.append('out')\nr = R()\n";
    assert_eq!(last(&format!("{cm}getattr(r, '__enter__')() is r\nr.__exit__(None, None, None)\nr.log")), "['in', 'out']");
}

#[test]
fn binding_errors_read_as_cpythons() {
    assert_eq!(error_of(&format!("{POINT}Point()")).1, "Point.__init__() missing 1 required positional argument: 'x'");
    assert_eq!(error_of(&format!("{POINT}Point(1, 2, 3)")).1, "Point.__init__() takes from 2 to 3 positional arguments but 4 were given");
    assert_eq!(error_of(&format!("{POINT}p.norm2(1)")).1, "Point.norm2() takes 1 positional argument but 2 were given");
    assert_eq!(error_of(&format!("{POINT}Point.norm2()")).1, "Point.norm2() missing 1 required positional argument: 'self'");
    assert_eq!(error_of("class E:\n    pass\nE(1)").1, "E() takes no arguments");
    assert_eq!(error_of("class R:\n    def __init__(self):\n        return 1\nR()").1, "__init__() should return None, not 'int'");
    assert_eq!(error_of(&format!("{POINT}p.nope")), (ExcType::AttributeError, "'Point' object has no attribute 'nope'".into()));
    assert_eq!(error_of(&format!("{POINT}Point.nope")), (ExcType::AttributeError, "type object 'Point' has no attribute 'nope'".into()));
    let f = "class F(nn.Module):\n    def forward(self, x):\n        return x\n";
    assert_eq!(error_of(&format!("{f}F()()")).1, "F.forward() missing 1 required positional argument: 'x'");
    assert_eq!(error_of(&format!("{f}F()(1, 2)")).1, "F.forward() takes 2 positional arguments but 3 were given");
    assert_eq!(error_of(&format!("{f}F(3)")).1, "F.__init__() takes 1 positional argument but 2 were given");
    assert_eq!(error_of("class S(nn.Module):\n    def __init__(self):\n        super().__init__(a=3)\nS()").1, "S.__init__() got an unexpected keyword argument 'a'");
}

#[test]
fn module_init_must_run_before_registration() {
    let e = |body: &str| error_of(&format!("class M(nn.Module):\n    def __init__(self):\n{body}\nM()"));
    assert_eq!(e("        self.lin = nn.Linear(2, 2)"), (ExcType::AttributeError, "cannot assign module before Module.__init__() call".into()));
    assert_eq!(e("        self.w = nn.Parameter(torch.zeros(2))"), (ExcType::AttributeError, "cannot assign parameters before Module.__init__() call".into()));
    assert_eq!(e("        self.register_buffer('b', torch.zeros(2))"), (ExcType::AttributeError, "cannot assign buffer before Module.__init__() call".into()));
    assert_eq!(e("        self.register_parameter('p', None)"), (ExcType::AttributeError, "cannot assign parameter before Module.__init__() call".into()));
    // Plain attributes work before it, as in PyTorch; the module then lacks its registries.
    let m = "class M(nn.Module):\n    def __init__(self):\n        self.k = 3\n        self.t = torch.zeros(1)\nm = M()\n";
    assert_eq!(last(&format!("{m}m.k")), "3");
    assert_eq!(error_of(&format!("{m}m.training")).1, "'M' object has no attribute 'training'");
    assert_eq!(error_of(&format!("{m}m(1)")).1, "'M' object has no attribute '_backward_hooks'");
    assert_eq!(error_of(&format!("{m}list(m.parameters())")).1, "'M' object has no attribute '_parameters'");
    assert_eq!(error_of(&format!("{m}repr(m)")).1, "'M' object has no attribute '_modules'");
    // Assignment after super().__init__() keeps what was set before it.
    assert_eq!(last("class M(nn.Module):\n    def __init__(self):\n        self.k = 3\n        super().__init__()\n        self.lin = nn.Linear(1, 1)\nm = M()\n(m.k, m.training, [k for k, v in m.named_parameters()])"),
        "(3, True, ['lin.weight', 'lin.bias'])");
}

#[test]
fn module_subclasses_have_class_attributes_and_properties() {
    let s = "\
class Scale(nn.Module):
    factor = 2.0
    def __init__(self, n):
        super().__init__()
        self.w = nn.Parameter(torch.ones(n))
    @property
    def total(self):
        return self.w.sum()
    @staticmethod
    def helper(x):
        return x * 3
    def forward(self, x):
        return x * self.w * self.factor
s = Scale(2)
";
    assert_eq!(last(&format!("{s}s(torch.ones(2))")), "tensor([2., 2.], grad_fn=<MulBackward0>)");
    assert_eq!(last(&format!("{s}Scale.factor = 3.0\ns(torch.ones(2))")), "tensor([3., 3.], grad_fn=<MulBackward0>)");
    assert_eq!(last(&format!("{s}s.factor = 1.0\n(s.factor, Scale.factor)")), "(1.0, 2.0)");
    assert_eq!(last(&format!("{s}s.total")), "tensor(2., grad_fn=<SumBackward0>)");
    assert_eq!(last(&format!("{s}(s.helper(2), Scale.helper(2))")), "(6, 6)");
    assert_eq!(last(&format!("{s}type(s) is Scale")), "True");
}

#[test]
fn errors_inside_methods_say_where_they_were_called_from() {
    let code = "\
class Half(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 3)
    def forward(self, x):
        return self.lin(x) @ torch.ones(2)

h = Half()
x = torch.ones(2)

h(x)
";
    let text = error_text(code);
    assert!(text.contains("in Half.forward, line 6, called from line 11"), "{text}");
    // Nested user functions: innermost first.
    let nested = "def inner(x):\n    return x.nope\ndef outer(x):\n    return inner(x)\nouter(1)\n";
    let text = error_text(nested);
    assert!(text.contains("in inner, line 2, called from line 4\n  in outer, line 4, called from line 5"), "{text}");
}

