"""The .pt and safetensors corpus of tests/pt_files.rs, written to a directory at test time.

`corpus.py make DIR`: writes crafted files (hand-built zip archives and pickle bytes, a FIFO, a
directory) and files real torch.save writes (state dicts of real models, tied weights, views),
then prints, as JSON, what torch.load (its default, weights_only=True) or
safetensors.torch.load_file gives for each: the error's class and message, or a description of
the loaded value. `corpus.py check DIR NAMES...`: loads files fcall wrote, with both
weights_only=True and weights_only=False, and prints their descriptions. `corpus.py options DIR`:
writes a few files (zip and legacy, saved on the CPU or tagged `cuda:0`, one that needs a global
the weights-only unpickler refuses) and prints torch.load's outcome for each with each set of
keyword arguments of OPTIONS (map_location, weights_only, mmap, pickle_module, encoding).
"""
import json, os, struct, sys, threading, zipfile
import torch
from safetensors.torch import load_file, save_file


def describe(v):
    storages, objs = {}, {}

    def d(x):
        if isinstance(x, torch.Tensor):
            meta = x.is_meta
            return {
                "dtype": str(x.dtype).replace("torch.", ""),
                "shape": list(x.shape),
                "device": str(x.device),
                # Exact: each value's float64 bits (JSON floats would round on parsing).
                "data": None if meta else [struct.unpack("<Q", struct.pack("<d", v))[0] for v in x.detach().double().flatten().tolist()],
                "storage": None if meta else storages.setdefault(x.untyped_storage().data_ptr(), len(storages)),
                "offset": x.storage_offset(),
                "stride": list(x.stride()),
                "object": objs.setdefault(id(x), len(objs)),
                "parameter": isinstance(x, torch.nn.Parameter),
                "requires_grad": x.requires_grad,
            }
        if isinstance(x, dict):
            return {"dict": [[k, d(y)] for k, y in x.items()]}
        if isinstance(x, list):
            return {"list": [d(y) for y in x]}
        if isinstance(x, tuple):
            return {"tuple": [d(y) for y in x]}
        return {"py": x}

    return d(v)


def outcome(load):
    try:
        return {"value": describe(load())}
    except BaseException as e:  # the class and message are what is compared
        return {"error": [type(e).__name__, str(e)]}


# ---- hand-built pickles (protocol 2, as torch.save writes them) ----
def P(n):
    if 0 <= n < 256:
        return b"K" + bytes([n])
    if 0 <= n < 65536:
        return b"M" + struct.pack("<H", n)
    if -(2**31) <= n < 2**31:
        return b"J" + struct.pack("<i", n)
    return b"\x8a\x08" + struct.pack("<q", n)


def S(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def T(items):
    return b"(" + b"".join(items) + b"t"


def tensor(stype, key, numel, offset, size, stride, loc="cpu"):
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + T([S("storage"), b"ctorch\n" + stype.encode() + b"\n", S(key), S(loc), P(numel)]) + b"Q"
            + P(offset) + T([P(x) for x in size]) + T([P(x) for x in stride]) + b"\x89ccollections\nOrderedDict\n)RtR")


def dict_pkl(entries):
    return b"\x80\x02}(" + b"".join(S(k) + v for k, v in entries) + b"u."


def ptzip(path, pkl, records, byteorder="little", version=True):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", pkl)
        z.writestr("archive/byteorder", byteorder)
        for k, b in records.items():
            z.writestr(f"archive/data/{k}", b)
        if version:
            z.writestr("archive/version", "3\n")


F4 = struct.pack("<4f", 1, 2, 3, 4)


def legacy(pkl, keys, storages):
    """torch.save's legacy (non-zip) format: magic number, protocol, system info, the object,
    the storage keys, then each storage as an int64 element count and its bytes."""
    import pickle
    out = pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2) + pickle.dumps(1001, protocol=2)
    out += pickle.dumps({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    out += pkl + pickle.dumps(keys, protocol=2)
    for n, b in storages:
        out += struct.pack("<q", n) + b
    return out


def ltensor(stype, key, numel, offset, size, stride, view=b"N", loc="cpu"):
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + T([S("storage"), b"ctorch\n" + stype.encode() + b"\n", S(key), S(loc), P(numel), view]) + b"Q"
            + P(offset) + T([P(x) for x in size]) + T([P(x) for x in stride]) + b"\x89ccollections\nOrderedDict\n)RtR")


def crafted(dir):
    """name -> file path, for files made by hand."""
    out = {}

    def pt(name, pkl, records=None, **kw):
        p = os.path.join(dir, name + ".pt")
        ptzip(p, pkl, records if records is not None else {"0": F4}, **kw)
        out[name] = p

    def raw(name, data, ext=".pt"):
        p = os.path.join(dir, name + ext)
        with open(p, "wb") as f:
            f.write(data)
        out[name] = p

    one = lambda *a: dict_pkl([("a", tensor(*a))])
    pt("ok", one("FloatStorage", "0", 4, 0, [4], [1]))
    pt("ok_view", dict_pkl([("a", tensor("FloatStorage", "0", 4, 0, [2, 2], [2, 1])), ("b", tensor("FloatStorage", "0", 4, 1, [2], [2]))]))
    # Memory safety: a storage that declares more than its record holds, or a view past it.
    pt("over_declared", one("FloatStorage", "0", 1000, 0, [1000], [1]))
    pt("over_declared_huge", one("DoubleStorage", "0", 2**40, 0, [2**40], [1]))
    pt("under_declared", one("FloatStorage", "0", 2, 0, [2], [1]))
    pt("view_past_storage", one("FloatStorage", "0", 4, 0, [10], [1]))
    pt("offset_past_storage", one("FloatStorage", "0", 4, 3, [2], [1]))
    pt("stride_past_storage", one("FloatStorage", "0", 4, 0, [2, 2], [3, 1]))
    pt("negative_size", one("FloatStorage", "0", 4, 0, [2**32 - 1], [1]).replace(P(2**32 - 1), b"J\xff\xff\xff\xff"))
    # One storage, two uses: the first use's dtype and size hold (PyTorch's persistent_load).
    pt("two_dtypes", dict_pkl([("a", tensor("FloatStorage", "0", 4, 0, [4], [1])), ("b", tensor("DoubleStorage", "0", 4, 0, [4], [1]))]))
    pt("two_dtypes_bytes_first", dict_pkl([("a", tensor("ByteStorage", "0", 16, 0, [16], [1])), ("b", tensor("FloatStorage", "0", 4, 0, [4], [1]))]))
    pt("two_sizes", dict_pkl([("a", tensor("FloatStorage", "0", 2, 0, [2], [1])), ("b", tensor("FloatStorage", "0", 4, 0, [4], [1]))]))
    pt("two_sizes_larger_second", dict_pkl([("a", tensor("FloatStorage", "0", 4, 0, [4], [1])), ("b", tensor("FloatStorage", "0", 1000, 0, [1000], [1]))]))
    pt("missing_record", one("FloatStorage", "1", 4, 0, [4], [1]))
    pt("big_endian", one("FloatStorage", "0", 4, 0, [4], [1]), {"0": struct.pack(">4f", 1, 2, 3, 4)}, byteorder="big")
    # Declared lengths: a 4 GiB string in a small file reads only what is there.
    pt("string_4gib", b"\x80\x02}(" + S("a") + b"X\xff\xff\xff\xff" + b"abc", {})
    pt("binunicode8_4gib", b"\x80\x02}(" + S("a") + b"\x8d\xff\xff\xff\xff\x00\x00\x00\x00abc", {})
    pt("long_binget_huge", b"\x80\x02j\xff\xff\xff\xff.", {})
    pt("deep_marks", b"\x80\x02" + b"(" * 100000 + b".", {})
    pt("deep_lists", b"\x80\x02" + b"]" * 3 + b"a" * 2 + b".", {})
    # Pickles that would run code, or use what torch.load's weights-only unpickler refuses.
    pt("os_system", b"\x80\x02cos\nsystem\n" + S("echo pwned") + b"\x85R.", {})
    pt("builtins_eval", b"\x80\x02cbuiltins\neval\n" + S("1+1") + b"\x85R.", {})
    pt("numpy_global", b"\x80\x02cnumpy.core.multiarray\n_reconstruct\n.", {})
    pt("reduce_non_global", b"\x80\x02K\x01)R.", {})
    pt("build_on_dict", b"\x80\x02}}b.", {})
    pt("setitem_on_list", b"\x80\x02]" + S("k") + S("v") + b"s.", {})
    pt("persid_not_storage", b"\x80\x02" + T([S("module"), K1 := P(1)]) + b"Q.", {})
    pt("memo_missing", b"\x80\x02}q\x00h\x01.", {})
    pt("unsupported_opcode", b"\x80\x02\x95.", {})
    pt("no_stop", b"\x80\x02K\x01", {})
    pt("empty_stack_stop", b"\x80\x02.", {})
    # Archive structure.
    pt("no_version", one("FloatStorage", "0", 4, 0, [4], [1]), version=False)
    raw("zip_garbage", b"PK\x03\x04garbage")
    p = os.path.join(dir, "flat.pt")
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("data.pkl", b"\x80\x02K\x01.")
    out["flat"] = p
    # Not zip archives: torch.load's legacy path, whose first pickle fails.
    raw("junk", b"hello")
    raw("empty", b"")
    # The legacy format.
    lone = lambda numel, size, count: legacy(dict_pkl([("a", ltensor("FloatStorage", "0", numel, 0, size, [1]))]), ["0"], [(count, F4)])
    raw("legacy_ok", lone(4, [4], 4))
    raw("legacy_view", legacy(dict_pkl([("a", ltensor("FloatStorage", "0", 4, 1, [2], [1], T([S("1"), P(1), P(3)])))]), ["0"], [(4, F4)]))
    raw("legacy_over_declared", lone(2**31 - 1, [4], 4))
    raw("legacy_short_data", lone(8, [8], 8))
    raw("legacy_wrong_count", lone(4, [4], 5))
    raw("legacy_view_past_storage", lone(4, [8], 4))
    raw("legacy_bad_magic", b"\x80\x02K\x07.")
    # Not files.
    out["missing"] = os.path.join(dir, "no_such_file.pt")
    os.mkdir(os.path.join(dir, "a_directory"))
    out["directory"] = os.path.join(dir, "a_directory")
    if os.path.exists("/dev/zero"):
        out["dev_zero"] = "/dev/zero"
        out["dev_null"] = "/dev/null"
    # safetensors.
    raw("st_too_small", b"\x00" * 3, ".safetensors")
    raw("st_too_large", struct.pack("<Q", 10**12) + b"{}", ".safetensors")
    raw("st_bad_json", struct.pack("<Q", 4) + b"{xx}", ".safetensors")

    def st(name, header, data):
        h = json.dumps(header).encode()
        raw(name, struct.pack("<Q", len(h)) + h + data, ".safetensors")

    st("st_over_declared", {"a": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 4000]}}, b"\0" * 16)
    st("st_overlap", {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, b"\0" * 12)
    st("st_shape_mismatch", {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}, b"\0" * 8)
    st("st_overflow", {"a": {"dtype": "F32", "shape": [2**62, 4], "data_offsets": [0, 8]}}, b"\0" * 8)
    st("st_ok", {"b": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}, "a": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}, struct.pack("<q2f", 7, 1.5, 2.5))
    return out


def saved(dir):
    """name -> path, for files real torch.save writes."""
    out = {}
    torch.manual_seed(0)

    def save(name, obj):
        p = os.path.join(dir, name + ".pt")
        torch.save(obj, p)
        out[name] = p

    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    m(torch.randn(5, 3))  # running statistics move
    save("sd_batchnorm", m.state_dict())

    class Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding(5, 3)
            self.out = torch.nn.Linear(3, 5, bias=False)
            self.out.weight = self.emb.weight

    save("sd_tied", Tied().state_dict())
    t = torch.arange(12.0)
    save("views", {"whole": t, "tail": t[4:], "grid": t.view(3, 4), "col": t.view(3, 4)[:, 1], "again": t})
    conv = torch.nn.Conv2d(2, 3, 3)
    save("sd_conv_params", dict(conv.named_parameters()))
    save("nested", {"model": torch.nn.Linear(2, 2).state_dict(), "epoch": 7, "lr": 0.125, "names": ["a", "b"], "shape": (2, 3), "flag": True, "none": None})
    save("dtypes", {"f64": torch.randn(3, dtype=torch.float64), "i64": torch.arange(3), "i32": torch.arange(3, dtype=torch.int32),
                    "u8": torch.arange(3, dtype=torch.uint8), "b": torch.tensor([True, False]), "f16": torch.randn(2).half(), "scalar": torch.tensor(2.5)})
    save("requires_grad", {"w": torch.ones(2, requires_grad=True)})
    p = os.path.join(dir, "legacy_saved.pt")
    t = torch.arange(6.0)
    torch.save({"a": t, "b": t[2:], "p": torch.nn.Parameter(torch.ones(2)), "sd": m.state_dict()}, p, _use_new_zipfile_serialization=False)
    out["legacy_saved"] = p
    return out


# torch.load's keyword arguments, as Python source both sides evaluate.
OPTIONS = [
    "",
    "map_location='cpu'",
    "map_location='meta'",
    "map_location=torch.device('cpu')",
    "map_location=torch.device('meta')",
    "map_location={'cuda:0': 'cpu'}",
    "map_location={'cpu': 'meta'}",
    "map_location={'cpu': 3}",
    "map_location={'cpu': torch.device('meta')}",
    "map_location='cuda'",
    "map_location=torch.device('cuda', 1)",
    "map_location='cuda:x'",
    "map_location='xpu'",
    "map_location='mps'",
    "map_location='cpu:0'",
    "map_location='xyz'",
    "map_location=3",
    "weights_only=True",
    "weights_only=False",
    "mmap=True",
    "mmap=False",
    "mmap=True, map_location='meta'",
    "pickle_module=3, weights_only=True",
    "encoding='latin1'",
]


def options(dir):
    files = {}
    t = torch.arange(6.0)
    files["zip"] = os.path.join(dir, "zip.pt")
    torch.save({"a": t, "b": t[2:], "c": t.view(2, 3)}, files["zip"])
    files["legacy"] = os.path.join(dir, "legacy.pt")
    torch.save({"a": t, "b": t[2:]}, files["legacy"], _use_new_zipfile_serialization=False)
    files["zip_cuda"] = os.path.join(dir, "zip_cuda.pt")
    ptzip(files["zip_cuda"], dict_pkl([("a", tensor("FloatStorage", "0", 4, 0, [4], [1], loc="cuda:0"))]), {"0": F4})
    files["legacy_cuda"] = os.path.join(dir, "legacy_cuda.pt")
    with open(files["legacy_cuda"], "wb") as f:
        f.write(legacy(dict_pkl([("a", ltensor("FloatStorage", "0", 4, 0, [4], [1], loc="cuda:0"))]), ["0"], [(4, F4)]))
    # A global the weights-only unpickler refuses (harmless if imported: weights_only=False is
    # never asked of torch for it).
    files["unsafe"] = os.path.join(dir, "unsafe.pt")
    ptzip(files["unsafe"], b"\x80\x02cnumpy.core.multiarray\n_reconstruct\n.", {})
    out = {}
    for name, path in files.items():
        for opt in OPTIONS:
            if name == "unsafe" and ("weights_only=False" in opt or "pickle_module" in opt):
                continue
            out[f"{name}|{opt}"] = {"path": path, "options": opt, **outcome(lambda: eval(f"torch.load(p, {opt})", {"torch": torch, "p": path}))}
    return out


def main():
    cmd, dir = sys.argv[1], sys.argv[2]
    if cmd == "options":
        import warnings
        warnings.simplefilter("ignore")
        print(json.dumps(options(dir)))
    elif cmd == "make":
        files = crafted(dir)
        files.update(saved(dir))
        cases = {}
        for name, path in files.items():
            if path.endswith(".safetensors"):
                cases[name] = {"path": path, **outcome(lambda: load_file(path))}
            else:
                cases[name] = {"path": path, **outcome(lambda: torch.load(path))}
        # A FIFO: torch.load blocks in open() until a writer comes; with one it fails on its first
        # seek. fcall refuses it before opening; the expected error is torch.load's with a writer.
        fifo = os.path.join(dir, "a_fifo.pt")
        os.mkfifo(fifo)

        def writer():
            with open(fifo, "wb") as f:
                f.write(b"PK\x03\x04" + b"x" * 64)

        th = threading.Thread(target=writer, daemon=True)
        th.start()
        cases["fifo"] = {"path": fifo, **outcome(lambda: torch.load(fifo))}
        th.join(5)
        print(json.dumps(cases))
    else:
        res = {}
        for name in sys.argv[3:]:
            path = os.path.join(dir, name)
            res[name] = {"default": outcome(lambda: torch.load(path)), "weights_only_false": outcome(lambda: torch.load(path, weights_only=False))}
        print(json.dumps(res))


main()
