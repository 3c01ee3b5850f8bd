//! Session-level tests of Python's statements and built-ins on the evaluator (`statements.rs`,
//! `exceptions.rs`, `gradmode.rs`, `format.rs`, `pybuiltins.rs`, `sets.rs`, `strings.rs`):
//! each expected text is what CPython 3.11 with torch 2.13 prints for the same source.
use super::{OutKind, RunOptions, Session, StmtOutput, Targets};
use crate::error::ExcType;

fn run(code: &str) -> Vec<StmtOutput> {
    let mut s = Session::new();
    s.targets = Targets { json: true, ..Targets::default() };
    s.run(code, RunOptions { keep_going: true })
}

/// Everything `print` wrote, over all statements (each must succeed).
fn printed(code: &str) -> String {
    let outs = run(code);
    for o in &outs {
        assert_ne!(o.kind, OutKind::Error, "{code}: {}", o.text());
    }
    outs.iter().map(|o| o.printed.as_str()).collect()
}

/// The uncaught error of the last statement: its class name (`type(e).__name__`), message, and
/// the headline fcall shows.
fn uncaught(code: &str) -> (String, String, String) {
    let outs = run(code);
    match &outs.last().expect("one output").failure {
        Some(super::Failure::Raised(e)) => (e.type_name().to_string(), e.message.clone(), e.headline()),
        _ => panic!("{code}: expected an error"),
    }
}

fn exc_of(code: &str) -> ExcType {
    let outs = run(code);
    match &outs.last().expect("one output").failure {
        Some(super::Failure::Raised(e)) => e.exc,
        _ => panic!("{code}: expected an error"),
    }
}

#[test]
fn try_except_else_finally() {
    let code = "try:\n    raise ValueError('bad')\nexcept ValueError as e:\n    print('caught', repr(e), str(e), e.args, type(e).__name__)\n";
    assert_eq!(printed(code), "caught ValueError('bad') bad ('bad',) ValueError\n");
    let code = "try:\n    pass\nexcept Exception:\n    print('no')\nelse:\n    print('else')\nfinally:\n    print('finally')\n";
    assert_eq!(printed(code), "else\nfinally\n");
    // `finally` runs on return, break and continue, and its own return wins.
    let code = "def f():\n    try:\n        return 1\n    finally:\n        print('fin')\nprint(f())\ndef g():\n    try:\n        raise ValueError('lost')\n    finally:\n        return 'swallowed'\nprint(g())\nfor i in range(3):\n    try:\n        if i == 1:\n            continue\n        if i == 2:\n            break\n    finally:\n        print('f', i)\n";
    assert_eq!(printed(code), "fin\n1\nswallowed\nf 0\nf 1\nf 2\n");
    // `except E as e` unbinds `e` afterwards.
    let code = "try:\n    raise ValueError\nexcept ValueError as err:\n    pass\ntry:\n    err\nexcept NameError as e:\n    print(e)\n";
    assert_eq!(printed(code), "name 'err' is not defined\n");
}

#[test]
fn the_hierarchy_decides_what_an_except_clause_catches() {
    let code = "try:\n    {}['k']\nexcept LookupError as e:\n    print(repr(e), str(e), e.args)\n";
    assert_eq!(printed(code), "KeyError('k') 'k' ('k',)\n");
    let code = "try:\n    1 / 0\nexcept (TypeError, ArithmeticError) as e:\n    print(repr(e))\n";
    assert_eq!(printed(code), "ZeroDivisionError('division by zero')\n");
    // KeyboardInterrupt is a BaseException, not an Exception.
    let code = "try:\n    try:\n        raise KeyboardInterrupt\n    except Exception:\n        print('wrong')\nexcept BaseException as e:\n    print('base', type(e).__name__)\n";
    assert_eq!(printed(code), "base KeyboardInterrupt\n");
    assert_eq!(exc_of("try:\n    raise KeyboardInterrupt\nexcept Exception:\n    pass\n"), ExcType::KeyboardInterrupt);
    // libtorch's errors are caught as their Python classes.
    let code = "try:\n    torch.ones(2) + torch.ones(3)\nexcept RuntimeError as e:\n    print(type(e).__name__, str(e)[:24])\n";
    assert_eq!(printed(code), "RuntimeError The size of tensor a (2)\n");
    let code = "print(issubclass(KeyError, LookupError), issubclass(KeyboardInterrupt, Exception), ValueError.__mro__)\n";
    assert_eq!(printed(code), "True False (<class 'ValueError'>, <class 'Exception'>, <class 'BaseException'>, <class 'object'>)\n");
    assert_eq!(uncaught("try:\n    1/0\nexcept 5:\n    pass\n").1, "catching classes that do not inherit from BaseException is not allowed");
}

#[test]
fn raise_forms() {
    let code = "try:\n    try:\n        1 / 0\n    except ZeroDivisionError:\n        raise\nexcept ArithmeticError as e:\n    print(repr(e))\n";
    assert_eq!(printed(code), "ZeroDivisionError('division by zero')\n");
    let code = "try:\n    raise TypeError('a') from KeyError('b')\nexcept TypeError as e:\n    print(repr(e.__cause__), e.__suppress_context__)\n";
    assert_eq!(printed(code), "KeyError('b') True\n");
    assert_eq!(uncaught("raise"), ("RuntimeError".into(), "No active exception to reraise".into(), "RuntimeError: No active exception to reraise".into()));
    assert_eq!(uncaught("raise 5").1, "exceptions must derive from BaseException");
    assert_eq!(uncaught("raise ValueError from 5").1, "exception causes must derive from BaseException");
    // An uncaught raise reads as fcall's own errors do; no message: the bare class name.
    assert_eq!(uncaught("raise ValueError('x')").2, "ValueError: x");
    assert_eq!(uncaught("raise ValueError").2, "ValueError");
    assert_eq!(uncaught("class MyError(ValueError):\n    pass\nraise MyError('mine')").2, "MyError: mine");
    assert_eq!(exc_of("class MyError(ValueError):\n    pass\nraise MyError('mine')"), ExcType::ValueError);
    // `raise e` of a caught engine error raises that error again.
    let code = "def f():\n    try:\n        {}['missing']\n    except KeyError as e:\n        raise e\ntry:\n    f()\nexcept LookupError as e:\n    print(repr(e))\n";
    assert_eq!(printed(code), "KeyError('missing')\n");
}

#[test]
fn exception_objects() {
    let code = "print(repr(ValueError()), repr(ValueError('a', 2)), str(KeyError('k')), str(KeyError('k', 1)), str(ValueError(5)), ValueError().args)\n";
    assert_eq!(printed(code), "ValueError() ValueError('a', 2) 'k' ('k', 1) 5 ()\n");
    let code = "class E2(Exception):\n    def __init__(self, code):\n        super().__init__(f'code {code}')\n        self.code = code\ntry:\n    raise E2(5)\nexcept E2 as e:\n    print(e.code, e.args, str(e), isinstance(e, Exception))\nclass E3(Exception):\n    def __init__(self, x):\n        self.x = x\nprint(E3(4).args, repr(E3(4)))\n";
    assert_eq!(printed(code), "5 ('code 5',) code 5 True\n(4,) E3(4)\n");
    assert_eq!(uncaught("ValueError(a=1)").1, "ValueError() takes no keyword arguments");
    let code = "try:\n    assert 1 == 2, 5\nexcept AssertionError as e:\n    print(e.args)\ntry:\n    assert False\nexcept AssertionError as e:\n    print(repr(e))\n";
    assert_eq!(printed(code), "(5,)\nAssertionError()\n");
}

#[test]
fn with_statements() {
    let cm = "class CM:\n    def __init__(self, name, suppress=False):\n        self.name = name\n        self.suppress = suppress\n    def __enter__(self):\n        print('enter', self.name)\n        return self\n    def __exit__(self, typ, val, tb):\n        print('exit', self.name, typ.__name__ if typ is not None else None, repr(val))\n        return self.suppress\n";
    assert_eq!(printed(&format!("{cm}with CM('a') as a, CM('b') as b:\n    print('body', a.name, b.name)\n")), "enter a\nenter b\nbody a b\nexit b None None\nexit a None None\n");
    assert_eq!(printed(&format!("{cm}with CM('s', True):\n    raise ValueError('in')\nprint('after')\n")), "enter s\nexit s ValueError ValueError('in')\nafter\n");
    assert_eq!(printed(&format!("{cm}try:\n    with CM('t'):\n        raise KeyError('k')\nexcept KeyError as e:\n    print('propagated', repr(e))\n")), "enter t\nexit t KeyError KeyError('k')\npropagated KeyError('k')\n");
    assert_eq!(printed(&format!("{cm}def f():\n    with CM('r'):\n        return 3\nprint(f())\n")), "enter r\nexit r None None\n3\n");
    assert_eq!(uncaught("with 5:\n    pass").1, "'int' object does not support the context manager protocol");
    assert_eq!(uncaught("class A:\n    def __enter__(self):\n        pass\nwith A():\n    pass").1, "'A' object does not support the context manager protocol (missed __exit__ method)");
}

#[test]
fn grad_mode_context_managers_and_decorators() {
    let code = "x = torch.ones(2, requires_grad=True)\nwith torch.no_grad():\n    y = x * 2\n    with torch.enable_grad():\n        z = x * 2\nprint(y.requires_grad, z.requires_grad, torch.is_grad_enabled())\nwith torch.inference_mode():\n    w = x * 2\nprint(w.requires_grad, torch.is_inference_mode_enabled())\n";
    assert_eq!(printed(code), "False True True\nFalse False\n");
    let code = "x = torch.ones(1, requires_grad=True)\n@torch.no_grad()\ndef f(a):\n    return a * 3\n@torch.no_grad\ndef g(a):\n    return a * 3\nprint(f(x).requires_grad, g(x).requires_grad, f.__name__, (x * 2).requires_grad)\n";
    assert_eq!(printed(code), "False False f True\n");
    let code = "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lin = nn.Linear(2, 2)\n    @torch.no_grad()\n    def predict(self, x):\n        return self.lin(x)\n    def forward(self, x):\n        return self.lin(x)\nnet = Net()\nx = torch.ones(1, 2)\nprint(net.predict(x).requires_grad, net(x).requires_grad)\n";
    assert_eq!(printed(code), "False True\n");
    let code = "x = torch.ones(1, requires_grad=True)\n_ = torch.set_grad_enabled(False)\na = (x * 2).requires_grad\n_ = torch.set_grad_enabled(True)\nwith torch.set_grad_enabled(False):\n    b = (x * 2).requires_grad\nprint(a, b, (x * 2).requires_grad, torch.no_grad().__dict__, torch.inference_mode().__dict__)\n";
    assert_eq!(printed(code), "False False True {'prev': False} {'mode': True}\n");
}

#[test]
fn del_global_and_nonlocal() {
    let code = "d = {'a': 1, 'b': 2}\ndel d['a']\nxs = [1, 2, 3, 4, 5]\ndel xs[0], xs[-1]\ndel xs[::2]\nprint(d, xs)\nv = 1\ndel v\ntry:\n    v\nexcept NameError as e:\n    print(e)\n";
    assert_eq!(printed(code), "{'b': 2} [3]\nname 'v' is not defined\n");
    let code = "m = nn.Linear(2, 2)\nm.register_buffer('buf', torch.zeros(1))\nm.extra = 5\ndel m.extra, m.bias, m.buf\nprint([k for k, _ in m.named_parameters()], hasattr(m, 'buf'), hasattr(m, 'extra'))\nseq = nn.Sequential(nn.Linear(1, 1), nn.ReLU(), nn.Tanh())\ndel seq[0]\nprint(seq)\n";
    assert_eq!(printed(code), "['weight'] False False\nSequential(\n  (0): ReLU()\n  (1): Tanh()\n)\n");
    assert_eq!(uncaught("d = {}\ndel d['zz']").2, "KeyError: 'zz'");
    assert_eq!(uncaught("t = (1, 2)\ndel t[0]").1, "'tuple' object doesn't support item deletion");
    assert_eq!(uncaught("del undefined_x").2, "NameError: name 'undefined_x' is not defined");
    let code = "counter = 0\ndef bump():\n    global counter\n    counter += 1\nbump()\nbump()\nlevel = 'global'\ndef a():\n    level = 'a'\n    def b():\n        nonlocal level\n        level = 'b'\n        def c():\n            global level\n            level = 'c'\n        c()\n    b()\n    return level\nprint(counter, a(), level)\n";
    assert_eq!(printed(code), "2 b c\n");
    // A name the function binds is local everywhere in it.
    let msg = "cannot access local variable 'x' where it is not associated with a value";
    assert_eq!(uncaught("x = 1\ndef f():\n    print(x)\n    x = 2\nf()").1, msg);
    assert_eq!(exc_of("x = 1\ndef f():\n    print(x)\n    x = 2\nf()"), ExcType::UnboundLocalError);
    assert_eq!(uncaught("x = 1\ndef f():\n    del x\nf()").1, msg);
    assert_eq!(uncaught("def f():\n    nonlocal q\nf()").1, "no binding for nonlocal 'q' found");
}

#[test]
fn f_strings_and_the_format_mini_language() {
    let code = "pi = 3.14159\nname = 'fcall'\nw, p = 8, 3\nprint(f\"{pi:.2f} {pi:10.3f}| {name!r} {name:>8} {name=} {pi=:.1f} {42:#x} {1234567:,} {0.25:.1%} {pi:{w}.{p}f}|\")\n";
    assert_eq!(printed(code), "3.14      3.142| 'fcall'    fcall name='fcall' pi=3.1 0x2a 1,234,567 25.0%    3.142|\n");
    let code = "t = torch.tensor(1.5)\nprint(f'{t} {t:.3f} {torch.tensor([1., 2.])} {True:>5} {None}')\n";
    assert_eq!(printed(code), "1.5 1.500 tensor([1., 2.])     1 None\n");
    let code = "print(format(3.14159, '.3'), format(1e16), format(123.0, '.3'), format(1234, '010,'), format(-5, '=+8'), format('ab', '05'), format(255, '#_b'), format(1.0, '#g'), format(float('nan'), '08.3f'))\n";
    assert_eq!(printed(code), "3.14 1e+16 1.23e+02 00,001,234 -      5 ab000 0b1111_1111 1.00000 00000nan\n");
    assert_eq!(uncaught("format(1.5, 'x')").1, "Unknown format code 'x' for object of type 'float'");
    assert_eq!(uncaught("format('a', '+')").1, "Sign not allowed in string format specifier");
    assert_eq!(uncaught("f'{torch.ones(2):.2f}'").1, "unsupported format string passed to Tensor.__format__");
    let code = "print('{} and {:>4} {name}'.format('a', 7, name='n'), '%5s|%-5s|%05d|%+.1f|%x|%r|%%' % ('a', 'b', 42, 2.25, 255, 'q'))\n";
    assert_eq!(printed(code), "a and    7 n     a|b    |00042|+2.2|ff|'q'|%\n");
}

#[test]
fn python_builtins() {
    let code = "print(sorted([3, 1, 2], reverse=True), sorted(['b', 'a'], key=lambda s: s), sorted([(1, 'b'), (0, 'z'), (1, 'a')]), sorted([1, -3, 2], key=abs, reverse=True))\n";
    assert_eq!(printed(code), "[3, 2, 1] ['a', 'b'] [(0, 'z'), (1, 'a'), (1, 'b')] [-3, 2, 1]\n");
    let code = "print(min(3, 1, 2), max([1, 5, 2]), max([], default=0), max([1, -7], key=abs), sum([[1], [2]], []), sum(x * x for x in range(4)), abs(True))\n";
    assert_eq!(printed(code), "1 5 0 -7 [1, 2] 14 1\n");
    let code = "print(list(zip([1, 2, 3], 'ab')), list(enumerate('ab', start=5)), dict(zip(['a', 'b'], [1, 2])), dict([('x', 1)], y=2), list(map(lambda a, b: a + b, [1, 2], [10, 20])), list(filter(None, [0, 1, 2])), list(reversed([1, 2, 3])))\n";
    assert_eq!(printed(code), "[(1, 'a'), (2, 'b')] [(5, 'a'), (6, 'b')] {'a': 1, 'b': 2} {'x': 1, 'y': 2} [11, 22] [1, 2] [3, 2, 1]\n");
    let code = "it = iter([1, 2, 3])\ng = (i * i for i in range(3))\nprint(next(it), next(it), list(it), next(it, 'done'), next(g), list(g))\n";
    assert_eq!(printed(code), "1 2 [3] done 0 [1, 4]\n");
    let code = "print(round(2.5), round(3.5), round(0.125, 2), round(2.675, 2), round(1234.5, -2), round(25, -1), divmod(-7, 2), divmod(7.5, 2), pow(3, 4, 5))\n";
    assert_eq!(printed(code), "2 4 0.12 2.67 1200.0 20 (-4, 1) (3.0, 1.5) 1\n");
    let code = "print(int('ff', 16), int(' -7 '), int('1_000'), int(-2.9), float(' inf '), float('1e3'), bool(), str(), repr(\"a'b\"))\n";
    assert_eq!(printed(code), "255 -7 1000 -2 inf 1000.0 False  \"a'b\"\n");
    // CPython's hashes (str under PYTHONHASHSEED=0).
    let code = "print(hash(-1), hash(1.5), hash('a'), hash((1, 2)), hash('é'))\n";
    assert_eq!(printed(code), "-2 1152921504606846977 4644417185603328019 -3550055125485641917 6047309291227476195\n");
    assert_eq!(uncaught("list(zip([1, 2], [3], strict=True))").1, "zip() argument 2 is shorter than argument 1");
    assert_eq!(uncaught("max([])").1, "max() arg is an empty sequence");
    assert_eq!(uncaught("round(torch.tensor(2.5))").1, "type Tensor doesn't define __round__ method");
    assert_eq!(uncaught("int(float('nan'))").1, "cannot convert float NaN to integer");
    assert_eq!(uncaught("sorted([1, 'a'])").1, "'<' not supported between instances of 'str' and 'int'");
    assert_eq!(uncaught("hash([1])").1, "unhashable type: 'list'");
    // A `for` pulls an iterator lazily (a `break` stops a huge one).
    let code = "class Countdown:\n    def __init__(self, n):\n        self.n = n\n    def __iter__(self):\n        return self\n    def __next__(self):\n        if self.n == 0:\n            raise StopIteration\n        self.n -= 1\n        return self.n\nfor x in Countdown(10 ** 9):\n    if x < 10 ** 9 - 2:\n        break\nprint(x, list(Countdown(3)))\nfor v in map(lambda v: (print('map', v), v)[1], [1, 2, 3]):\n    if v == 2:\n        break\n";
    assert_eq!(printed(code), "999999997 [2, 1, 0]\nmap 1\nmap 2\n");
    let code = "print(' a b '.split(), 'a.b.c'.rsplit('.', 1), '-'.join(['x', 'y']), 'abc'.startswith(('x', 'a')), '42'.zfill(5), 'x'.center(5, '*'), 'Hi'.upper(), 'a=b'.partition('='), 'abcdef'[1:4], 'abcdef'[::-2])\n";
    assert_eq!(printed(code), "['a', 'b'] ['a.b', 'c'] x-y True 00042 **x** HI ('a', '=', 'b') bcd fdb\n");
}

#[test]
fn sets_iterate_in_cpythons_order() {
    let code = "print({3, 1, 2}, {10, 3, 100, 7, 1000}, set('hello'), {'b', 'a', 'c'}, set(), {x % 5 for x in range(12)})\n";
    assert_eq!(printed(code), "{1, 2, 3} {3, 100, 7, 1000, 10} {'e', 'h', 'l', 'o'} {'c', 'a', 'b'} set() {0, 1, 2, 3, 4}\n");
    let code = "a = {1, 2, 3, 4}\nb = {3, 4, 5}\nprint(a | b, a & b, a - b, a ^ b, a == {4, 3, 2, 1}, {1} < a, 2 in a, len(a))\ns = {3, 1}\nt = s\ns |= {9}\ns.add(2)\ns.discard(3)\nprint(s, t is s, sorted(s))\n";
    assert_eq!(printed(code), "{1, 2, 3, 4, 5} {3, 4} {1, 2} {1, 2, 5} True True True 4\n{1, 2, 9} True [1, 2, 9]\n");
    assert_eq!(uncaught("{1}.remove(5)").2, "KeyError: 5");
    assert_eq!(uncaught("{[1]}").1, "unhashable type: 'list'");
}

#[test]
fn bitwise_operators_follow_python_and_torch() {
    let code = "print(5 & 3, 5 | 3, 5 ^ 3, ~5, -16 >> 2, True & False, True | False, ~True, True & 3)\na = torch.tensor([1, 2, 3])\nb = torch.tensor([True, False, True])\nprint(a | 4, ~a, 1 << a, b | 2, ~b)\nt = torch.tensor([7, 8])\nu = t\nt |= 2\nt <<= 1\nprint(t, t is u)\n";
    assert_eq!(printed(code), "1 7 6 -6 -4 False True -2 1\ntensor([5, 6, 7]) tensor([-2, -3, -4]) tensor([2, 4, 8]) tensor([3, 2, 3]) tensor([False,  True, False])\ntensor([14, 20]) True\n");
    assert_eq!(uncaught("~torch.tensor([1.0])").1, "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
    assert_eq!(uncaught("1 << -1").1, "negative shift count");
}
