"""The .pt and safetensors corpus of tests/pt_files.rs, written to a directory at test time.

`corpus.py make DIR`: writes crafted files (hand-built zip archives and pickle bytes, a FIFO, a
directory) and files real torch.save writes (state dicts of real models, tied weights, views),
then prints, as JSON, what torch.load (its default, weights_only=True) or
safetensors.torch.load_file gives for each: the error's class and message, or a description of
the loaded value. `corpus.py check DIR NAMES...`: loads files fcall wrote, with both
weights_only=True and weights_only=False, and prints their descriptions.
"""
import json, os, struct, sys, threading, zipfile
import torch
from safetensors.torch import load_file, save_file


def describe(v):
    storages, objs = {}, {}

    def d(x):
        if isinstance(x, torch.Tensor):
            return {
                "dtype": str(x.dtype).replace("torch.", ""),
                "shape": list(x.shape),
                # Exact: each value's float64 bits (JSON floats would round on parsing).
                "data": [struct.unpack("<Q", struct.pack("<d", v))[0] for v in x.detach().double().flatten().tolist()],
                "storage": storages.setdefault(x.untyped_storage().data_ptr(), len(storages)),
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


def tensor(stype, key, numel, offset, size, stride):
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + T([S("storage"), b"ctorch\n" + stype.encode() + b"\n", S(key), S("cpu"), P(numel)]) + b"Q"
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


def ltensor(stype, key, numel, offset, size, stride, view=b"N"):
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + T([S("storage"), b"ctorch\n" + stype.encode() + b"\n", S(key), S("cpu"), P(numel), view]) + b"Q"
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


def main():
    cmd, dir = sys.argv[1], sys.argv[2]
    if cmd == "make":
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
