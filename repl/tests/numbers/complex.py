# Python's complex numbers (CPython 3.11) and complex values in and out of tensors (PyTorch
# 2.13): literals, complex(), parts, arithmetic with ints/floats, equality, hash, repr/str,
# and tensor item()/tolist()/construction/scalar ops, printed the same by fcall and by Python.
import math
import torch


def show(label, f):
    try:
        print(label, "->", repr(f()))
    except Exception as e:
        print(label, "!!", type(e).__name__ + ":", str(e).split("\n")[0])


# literals and repr/str
show("imag", lambda: (1j, 2.5j, 0j, 1e20j, 1e-7j, 10j, 1_000j))
show("sum_literal", lambda: (2 + 3j, 1 - 1j, -1j, -(1j), 0.5 + 0j, -0.0 - 1j))
show("neg_zero", lambda: (-(0j), complex(-0.0, -1.0), complex(-0.0, 0.0), complex(0.0, -0.0)))
show("special", lambda: (complex(float("nan"), float("inf")), complex(float("-inf"), float("nan")), complex(0, float("inf"))))
show("float_parts", lambda: (complex(0.1, 0.2), complex(1e16, 1e-5), complex(123456789.125, -2.5e-10), complex(1/3, 2/3)))
print(1 + 2j, 3j, complex(1, 0), complex(-0.0, 0.0))
print(str(1 + 2j), f"{3 - 4j}", [1j, 2 + 0j], (1j,))
# complex()
show("ctor", lambda: (complex(), complex(2), complex(2.5), complex(1, 2), complex(1.5, -2), complex(True, False)))
show("ctor_complex", lambda: (complex(1j, 1j), complex(1 + 2j), complex(1 + 2j, 3)))
show("ctor_str", lambda: (complex("1+2j"), complex("3j"), complex(" -1.5-2.5j "), complex("(1+2j)"), complex("2"), complex("-j"), complex("1e3+1e-3J"), complex("nan+infj")))
show("ctor_str_bad", lambda: complex("1+2"))
show("ctor_str_bad2", lambda: complex("j1"))
show("ctor_str_second", lambda: complex("1", 2))
show("ctor_none", lambda: complex(None))
show("ctor_list", lambda: complex([1]))
show("ctor_second_str", lambda: complex(1, "2"))
show("ctor_big", lambda: complex(2**64, 10**20))
show("ctor_overflow", lambda: complex(10**400))
# parts
z = 3 - 4j
show("literal_attr", lambda: (1j.imag, 2.5j.real, (1 + 2j).conjugate()))
show("conjugate_args", lambda: (1j).conjugate(1))
show("ctor_kw", lambda: (complex(real=1, imag=2), complex(imag=-1)))
show("ctor_empty", lambda: complex(""))
show("parts", lambda: (z.real, z.imag, z.conjugate(), abs(z), (1j).real, type(z.real).__name__))
show("abs", lambda: (abs(1j), abs(-3 + 4j), abs(complex(float("inf"), float("nan"))), abs(complex(float("nan"), 1))))
show("abs_overflow", lambda: abs(complex(1e308, 1e308)))
show("int_parts", lambda: ((5).real, (5).imag, (2.5).imag, (5).conjugate(), (2.5).conjugate(), True.imag))
# arithmetic
show("add", lambda: (z + 1, 1 + z, z + 2.5, z + 1j, True + 1j, z - 1, 1 - z, z - z))
show("mul", lambda: (z * 2, 2 * z, z * 1j, 1j * 1j, z * z, z * 0.5, (1 + 2j) * (3 - 1j)))
show("div", lambda: (z / 2, 2 / z, 1j / 1j, (1 + 2j) / (3 - 4j), z / 1e300, 1 / (1e-300j)))
show("div_zero", lambda: z / 0)
show("div_zero_c", lambda: z / 0j)
show("div_zero_f", lambda: 1.0 / (0 + 0j))
show("rdiv_zero", lambda: 1 / 0j)
show("pow", lambda: (1j ** 2, z ** 2, z ** 0, z ** -1, 2 ** 1j, z ** 0.5, (1 + 1j) ** (1 + 1j), 0j ** 0, 0j ** 2))
show("pow_int_big", lambda: ((1 + 1j) ** 10, (1 + 1j) ** 101, 1j ** 100))
show("pow_zero_neg", lambda: 0j ** -1)
show("pow_zero_complex", lambda: 0j ** 1j)
show("pow_float_neg", lambda: ((-8) ** (1 / 3), (-1.0) ** 0.5))
show("pow_overflow", lambda: (1e200 + 1e200j) ** 2)
show("floordiv", lambda: z // 2)
show("mod", lambda: z % 2)
show("divmod", lambda: divmod(z, 2))
show("neg_pos", lambda: (-z, +z, -(0j)))
show("bad_op", lambda: z + "a")
show("bad_op2", lambda: [1] * 1j)
show("str_mul", lambda: "a" * 1j)
show("str_mul_float", lambda: 2.0 * "a")
show("pow_mod", lambda: pow(1j, 2, 3))
show("augmented", lambda: [w for w in [1 + 1j] for w in [(w + 2) * 1j]])
show("bad_op3", lambda: z & 1)
show("round", lambda: round(z))
show("int", lambda: int(z))
show("float", lambda: float(z))
# comparison, hash, bool
show("eq", lambda: (1j == 1j, 1 + 0j == 1, 1.0 == 1 + 0j, 2 + 0j == 2.0, 1j == 1, 1j != 2j, z == (3, -4), complex(float("nan"), 0) == complex(float("nan"), 0)))
show("eq_big", lambda: (2**64 + 0j == 2**64, 2**53 + 1 == complex(2**53 + 1, 0), True == 1 + 0j))
show("lt", lambda: 1j < 2j)
show("lt_int", lambda: 1 < 1j)
show("ge_float", lambda: 1j >= 1.5)
show("sorted", lambda: sorted([1j, 2j]))
show("max", lambda: max(1j, 2))
show("in", lambda: (1j in [1, 1j], 1 in [1 + 0j], 2j in {2j: 1} if False else 0))
show("hash", lambda: (hash(1j), hash(1 + 2j), hash(3 + 0j) == hash(3), hash(2.5 + 0j) == hash(2.5), hash(-1 + 0j), hash(complex(1e300, -1e300)), hash(-2j)))
show("set", lambda: (len({1, 1 + 0j, 1.0, 1j, 1j}), {1j: "a"}[1j] if False else {1j, 2j} == {2j, 1j}))
show("bool", lambda: (bool(0j), bool(1j), bool(complex(0, -0.0)), bool(1 + 0j), not 0j))
show("type", lambda: (type(1j).__name__, type(1j), isinstance(1j, complex), isinstance(1, complex), isinstance(1j, (int, float)), isinstance(1j, (float, complex))))
show("type_is", lambda: (type(2j) is complex, complex))
show("sum", lambda: (sum([1j, 2, 3.5]), sum([1 + 1j, 1 - 1j])))
show("math", lambda: math.isclose(1, 1))
show("fmt", lambda: ("%s %r" % (1j, 2 + 3j), "{} {!r}".format(1j, -1j), str(complex(-0.0, -0.0))))
# format specs (complex.__format__)
for spec in ["", ">10", ".2f", "+.3", "^20.1e", "g", ".0f", " ", ",.1f", "#g", "z.1f", "n", "<12.3g", "05", "=10", "x"]:
    show("format " + spec, lambda: [format(w, spec) for w in (1j, 1.5 - 2j, complex(-0.0, 0.0), complex(1234567.891, -0.0001), complex(float("nan"), float("-inf")))])
show("fstring_spec", lambda: f"{1 + 2j:.2f}|{3j:>6}|{-1j!r:^9}")
# tensors
show("tensor_list", lambda: torch.tensor([1 + 2j, 3j]))
show("tensor_dtype", lambda: (torch.tensor(1j).dtype, torch.tensor([1, 2.5, 1j]).dtype, torch.tensor([[1j], [2]]).dtype, torch.tensor(1j, dtype=torch.complex128).dtype))
show("tensor_py_dtype", lambda: (torch.tensor([1], dtype=complex), torch.zeros(1, dtype=complex).dtype, torch.tensor([1], dtype=float).dtype))
show("tensor_mixed", lambda: (torch.tensor([True, 1j]), torch.tensor([1j], dtype=torch.bool), torch.tensor([torch.tensor(1j), 2])))
show("tensor_grad", lambda: (torch.tensor(1j, requires_grad=True), (torch.ones(2, requires_grad=True) * 1j).sum()))
show("int_tensor_op", lambda: (torch.ones(2, dtype=torch.int32) + 1j, torch.tensor([0.5 + 0j]) ** 2, torch.tensor(10**20 * 1j)))
show("tensor_scalar", lambda: torch.tensor(1 - 1j))
show("tensor_real_dtype", lambda: torch.tensor([1j], dtype=torch.float32))
show("tensor_int_dtype", lambda: torch.tensor([1j], dtype=torch.int64))
t = torch.tensor([1 + 2j, -3j, 0.5])
show("item", lambda: (t[0].item(), t[1].item(), t[2].item(), type(t[0].item()).__name__))
show("item_double", lambda: torch.tensor([0.1 + 0.2j], dtype=torch.complex128).item())
show("item_float32", lambda: torch.tensor(0.1 + 0.2j).item())
show("tolist", lambda: (t.tolist(), torch.tensor([[1j, 2], [3, 4j]]).tolist(), torch.tensor(2j).tolist()))
f = torch.tensor([1.0, 2.0])
show("mul_imag", lambda: f * 1j)
show("mul_imag_dtype", lambda: ((f * 1j).dtype, (f.double() * 1j).dtype, (torch.tensor([1, 2]) * 1j).dtype, (1j * torch.tensor(True)).dtype))
show("add", lambda: (f + (1 + 1j), (1 - 1j) - f, f / 1j, 2j ** f))
show("complex_tensor_ops", lambda: (t * 1j, t + 2, t == 1 + 2j, t != -3j))
show("compare_lt", lambda: t < 1j)
show("float_cmp", lambda: f == 1 + 0j)
show("torch_fns", lambda: (torch.mul(f, 1j), torch.add(f, 1 - 1j), f.mul(2j), torch.zeros(2, dtype=torch.cfloat).add_(1j), torch.tensor([[1j, 2]]).sum().item()))
show("inplace_real", lambda: f.clone().add_(1j))
show("tensor_pow", lambda: (torch.tensor(2.0) ** 1j, -torch.tensor(1j), torch.tensor(1j) == 1j))
show("full", lambda: torch.full((2,), 1j))
show("full_dtype", lambda: (torch.full((2,), 1j).dtype, torch.full((1,), 1 + 1j, dtype=torch.complex128)))
show("full_real_dtype", lambda: torch.full((1,), 1j, dtype=torch.float32))
show("fill", lambda: torch.zeros(2, dtype=torch.cfloat).fill_(1 - 1j))


def set_first(u, v):
    u[0] = v
    return u


show("setitem", lambda: set_first(torch.zeros(2, dtype=torch.cfloat), 5j))
show("setitem_real", lambda: set_first(torch.zeros(2), 5j))
show("setitem_double", lambda: set_first(torch.zeros(2, dtype=torch.cdouble), 0.1 + 0.2j).tolist())
show("float_of_complex_tensor", lambda: float(torch.tensor(1j)))
show("complex_of_tensor", lambda: (complex(torch.tensor(1 + 2j)), complex(torch.tensor(2.5)), complex(torch.tensor(3))))
