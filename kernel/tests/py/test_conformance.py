"""jupyter_kernel_test against the installed fcall kernelspec, every attribute filled."""
import unittest

import jupyter_kernel_test as jkt

from kernelspec_env import KERNEL_NAME, check_env

check_env()


class FcallKernelTests(jkt.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "fcall"
    file_extension = ".py"

    code_hello_world = 'print("hello, world")'
    # libtorch warns on fd 2 (TORCH_WARN); the kernel captures fd 2 while a cell runs.
    code_stderr = "y = torch.ones(2).requires_grad_() * 2\ny.grad"
    code_generate_error = "undefined_name + 1"
    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "2.5 * 2", "result": "5.0"},
        {"code": "3 > 2", "result": "True"},
    ]
    code_display_data = [
        {"code": "show nn.Linear(2, 1)", "mime": "text/html"},
        {"code": "a = {'foo': torch.zeros(())}\nshow a", "mime": "application/vnd.fcall.record+json"},
    ]
    code_clear_output = ":clear"
    code_page_something = "call?"
    completion_samples = [
        {"text": "nn.Linea", "matches": {"Linear"}},
        {"text": "torch.zer", "matches": {"zero_", "zeros", "zeros_like"}},
    ]
    complete_code_samples = ["1 + 2", "x = torch.ones(2)", "def f(x): return x", "call mod with a (x)"]
    incomplete_code_samples = ["def f(x):", "x = [1,", "s = '''abc", "for i in range(3):\n    print(i)"]
    invalid_code_samples = ["x = )", "(]"]
    code_inspect_sample = "torch.zeros"
    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "1 +*"


class FcallIopubWelcome(jkt.IopubWelcomeTests):
    kernel_name = KERNEL_NAME
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
