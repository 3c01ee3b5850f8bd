// fcall patch (vendor/README.md), included by torch_api.h and by fcall's csrc/shim.cpp.
#ifndef FCALL_ERROR_TEXT_H
#define FCALL_ERROR_TEXT_H
#include <c10/util/Exception.h>
#include <exception>
#include <string>

// fcall patch: "\x1f<PythonClass>\x1f<str(e)>" for the c10 errors PyTorch's binding raises as a
// class other than RuntimeError (torch/csrc/Exceptions.h, CATCH_CORE_ERRORS); other c10 errors
// give str(e) alone (what_without_backtrace), any other exception its what().
inline std::string torch_error_text(const std::exception& e) {
  auto* c = dynamic_cast<const c10::Error*>(&e);
  if (!c) return e.what();
  const char* cls = nullptr;
  if (dynamic_cast<const c10::IndexError*>(&e)) cls = "IndexError";
  else if (dynamic_cast<const c10::ValueError*>(&e)) cls = "ValueError";
  else if (dynamic_cast<const c10::TypeError*>(&e)) cls = "TypeError";
  else if (dynamic_cast<const c10::NotImplementedError*>(&e)) cls = "NotImplementedError";
  if (!cls) return c->what_without_backtrace();
  return std::string("\x1f") + cls + "\x1f" + c->what_without_backtrace();
}
#endif
