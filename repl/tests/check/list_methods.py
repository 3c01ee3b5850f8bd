# Lists are shared, mutable objects: append / extend / insert / pop / remove / clear / copy and
# item assignment are seen through every name, in dicts and across calls.
import torch

a = []
b = a
a.append(1)
b
a is b
a.extend([2, 3])
a.extend((4,))
a.insert(0, 9)
a.insert(-1, 8)
a.insert(100, 7)
a
a.pop()
a.pop(0)
a.pop(-2)
a.pop(70)
a.remove(8)
a.remove(8)
a[0] = 5
a[-1] = 6
a[9] = 1
a["x"] = 1
a
c = a.copy()
c is a
c == a
a.clear()
a
c
a.append()
a.append(1, 2)
a.pop(1, 2)
a.clear(1)
a.insert(1)
[].pop()
d = {"xs": []}
d["xs"].append(torch.tensor(1.0))
d
def f(xs):
    xs.append(len(xs))
f(c)
c
(1, 2).append(3)
t = (1, [2])
t[1].append(3)
t
a = [1]
a += [2]
a
b = a
a += (3,)
a += "xy"
b
a is b
a += 1
t = (1,)
u = t
t += (2,)
u
t
