//! Devices as c10 names them: a DeviceType code and an index (`cpu`, `cuda:0`, `meta`), parsed
//! and written as `c10::Device`'s string constructor and `str(torch.device)` do.
use crate::error::{Error, Result};

/// c10::DeviceType codes with their names, in the order c10's parse error lists them.
const TYPES: &[(&str, i32)] = &[
    ("cpu", 0),
    ("cuda", 1),
    ("ipu", 18),
    ("xpu", 12),
    ("mkldnn", 2),
    ("opengl", 3),
    ("opencl", 4),
    ("ideep", 5),
    ("hip", 6),
    ("ve", 16),
    ("fpga", 7),
    ("maia", 8),
    ("xla", 9),
    ("lazy", 17),
    ("vulkan", 10),
    ("mps", 13),
    ("meta", 14),
    ("hpu", 15),
    ("mtia", 19),
    ("privateuseone", 20),
];

pub const CPU: i32 = 0;
pub const CUDA: i32 = 1;
pub const META: i32 = 14;

/// A `c10::Device`: type code and index (-1: none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Device {
    pub ty: i32,
    pub index: i32,
}

impl Device {
    pub const CPU: Device = Device { ty: CPU, index: -1 };

    /// The type's name (`cpu`, `meta`).
    pub fn type_name(&self) -> &'static str {
        TYPES.iter().find(|(_, c)| *c == self.ty).map(|(n, _)| *n).unwrap_or("unknown")
    }

    /// `torch.device(type, index)`: the type by name (no index inside it when `index` is given).
    pub fn new(ty: &str, index: Option<i64>) -> Result<Device> {
        let d = Device::parse(ty)?;
        let Some(i) = index else { return Ok(d) };
        if d.index >= 0 {
            return Err(Error::runtime("torch::device", format!("type (string) must not include an index because index was passed explicitly: {ty}")));
        }
        if i < 0 {
            return Err(Error::runtime("torch::device", "Device index must not be negative"));
        }
        Ok(Device { ty: d.ty, index: i as i32 })
    }

    /// c10::Device's string constructor: `type` or `type:index`.
    pub fn parse(s: &str) -> Result<Device> {
        let (ty, idx) = match s.split_once(':') {
            Some((t, i)) => (t, Some(i)),
            None => (s, None),
        };
        let Some((_, code)) = TYPES.iter().find(|(n, _)| *n == ty) else {
            let names: Vec<&str> = TYPES.iter().map(|(n, _)| *n).collect();
            return Err(Error::runtime("torch::device", format!("Expected one of {} device type at start of device string: {s}", names.join(", "))));
        };
        let index = match idx {
            None => -1,
            Some(i) => {
                let digits = !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()) && (i == "0" || !i.starts_with('0'));
                match i.parse::<i32>() {
                    Ok(n) if digits => n,
                    _ => return Err(Error::runtime("torch::device", format!("Invalid device string: '{s}'"))),
                }
            }
        };
        Ok(Device { ty: *code, index })
    }

    /// `str(device)`: `cpu`, `cuda:0`.
    pub fn name(&self) -> String {
        if self.index >= 0 {
            format!("{}:{}", self.type_name(), self.index)
        } else {
            self.type_name().to_string()
        }
    }

    /// `repr(device)`: `device(type='cpu')`, `device(type='cuda', index=0)`.
    pub fn repr(&self) -> String {
        if self.index >= 0 {
            format!("device(type='{}', index={})", self.type_name(), self.index)
        } else {
            format!("device(type='{}')", self.type_name())
        }
    }

    /// `hash(device)`: std::hash<c10::Device> (type in the high 16 bits, index as a byte).
    pub fn hash(&self) -> i64 {
        (((self.ty as u16 as u32) << 16) | (self.index as i8 as u8 as u32)) as i64
    }

    /// tch's device, for the devices tch can name (cpu, cuda).
    pub fn tch(&self) -> Option<tch::Device> {
        match self.ty {
            CPU => Some(tch::Device::Cpu),
            CUDA => Some(tch::Device::Cuda(self.index.max(0) as usize)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_show_as_pytorch() {
        assert_eq!(Device::parse("cuda:1").unwrap().name(), "cuda:1");
        assert_eq!(Device::parse("meta").unwrap().repr(), "device(type='meta')");
        assert_eq!(Device::new("cuda", Some(0)).unwrap().repr(), "device(type='cuda', index=0)");
        assert_eq!(Device::parse("cpu:x").err().unwrap().headline(), "RuntimeError: Invalid device string: 'cpu:x'");
        assert!(Device::parse("CPU").err().unwrap().headline().ends_with("device type at start of device string: CPU"));
        assert!(Device::new("cuda:0", Some(0)).is_err() && Device::new("cpu", Some(-2)).is_err());
        // hash(torch.device('cpu')) == 255, hash(torch.device('meta')) == 917759 in PyTorch.
        assert_eq!(Device::CPU.hash(), 255);
        assert_eq!(Device::parse("meta").unwrap().hash(), 917759);
        assert_eq!(Device::parse("cuda:1").unwrap().hash(), 65537);
    }
}
