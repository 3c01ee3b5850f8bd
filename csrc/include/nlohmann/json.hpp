// Stand-in for nlohmann/json.hpp, which the torch wheel's headers include but do not ship.
// ATen/functorch/Interpreter.h uses it only to (de)serialize interpreters, which the shim
// never does; these declarations let those inline functions compile and fail loudly if called.
#pragma once
#include <stdexcept>
#include <string>

namespace nlohmann {
struct json {
  json() = default;
  template <class T>
  json(const T&) {}
  std::string dump() const { throw std::runtime_error("fcall: nlohmann::json stand-in used"); }
  static json parse(const std::string&) { throw std::runtime_error("fcall: nlohmann::json stand-in used"); }
  template <class T>
  T get() const { throw std::runtime_error("fcall: nlohmann::json stand-in used"); }
};
}  // namespace nlohmann
