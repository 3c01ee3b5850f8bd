# Class decorators and the dataclasses module as nanoGPT's GPTConfig uses them: annotated fields
# with defaults, the generated __init__ / __repr__ / __eq__, field(default_factory=...),
# inheritance, __post_init__, options, CPython's errors; and `import inspect`.
import inspect
from dataclasses import dataclass, field, fields, asdict
import dataclasses


@dataclass
class Config:
    block_size: int = 1024
    vocab_size: int = 50304
    dropout: float = 0.0
    bias: bool = True


c = Config(block_size=8, vocab_size=32)
c
print(c)
c.block_size, c.vocab_size, c.dropout, c.bias
Config() == Config()
Config(1) == Config(2)
Config() == 1
Config.__annotations__
Config.block_size
Config(**dict(block_size=4, bias=False))
[f.name for f in fields(c)]
asdict(c)
c.block_size = 16
c


@dataclass
class Point:
    x: int
    y: float = 1.0
    tags: list = field(default_factory=list)


Point(1)
Point(1, 2.0, ["a"])
Point(1).tags is Point(1).tags


@dataclass
class Point3(Point):
    z: int = 5


Point3(1)


@dataclass(repr=False, eq=False)
class Plain:
    a: int = 0


Plain() == Plain()
isinstance(Plain(), Plain)


@dataclass
class Derived:
    a: int = 1
    b: int = 0

    def __post_init__(self):
        self.b = self.a * 10


Derived(3)
inspect.isclass(Config)


def deco(cls):
    cls.tag = "decorated"
    return cls


@deco
class Tagged:
    pass


Tagged.tag


def errors():
    out = []
    for f in [lambda: Point(), lambda: Point(1, 2, 3, 4), lambda: Point(1, z=2), lambda: Point(1, x=2)]:
        try:
            f()
        except TypeError as e:
            out.append(str(e))
    return out


errors()


def bad_order():
    try:
        @dataclass
        class Bad:
            a: int = 1
            b: int
    except TypeError as e:
        return str(e)


bad_order()


def bad_default():
    try:
        @dataclass
        class Bad:
            a: list = []
    except ValueError as e:
        return str(e)


bad_default()
