// Minimal stand-in for <torch/extension.h>: just enough of c10/at/torch for DeepSpeed's
// csrc/adam/cpu_adam_impl.cpp to compile and run on raw float32 arrays without libtorch.
// Written for vecopt's comparison driver; not part of DeepSpeed or PyTorch.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>

namespace c10 {

enum class ScalarType { Float, Half, BFloat16 };

inline const char* toString(ScalarType t)
{
    switch (t) {
        case ScalarType::Float: return "Float";
        case ScalarType::Half: return "Half";
        case ScalarType::BFloat16: return "BFloat16";
    }
    return "?";
}

// 16-bit storage types: DeepSpeed instantiates its step for them at start-up. The driver only
// runs float32, so these convert by truncation and are never timed.
struct Half {
    uint16_t bits = 0;
    Half() = default;
    Half(float f) { uint32_t u; std::memcpy(&u, &f, 4); bits = (uint16_t)(u >> 16); }
    operator float() const { uint32_t u = (uint32_t)bits << 16; float f; std::memcpy(&f, &u, 4); return f; }
};
struct BFloat16 {
    uint16_t bits = 0;
    BFloat16() = default;
    BFloat16(float f) { uint32_t u; std::memcpy(&u, &f, 4); bits = (uint16_t)(u >> 16); }
    operator float() const { uint32_t u = (uint32_t)bits << 16; float f; std::memcpy(&f, &u, 4); return f; }
};

template <typename T>
constexpr ScalarType CppTypeToScalarType();
template <>
constexpr ScalarType CppTypeToScalarType<float>() { return ScalarType::Float; }
template <>
constexpr ScalarType CppTypeToScalarType<Half>() { return ScalarType::Half; }
template <>
constexpr ScalarType CppTypeToScalarType<BFloat16>() { return ScalarType::BFloat16; }

}  // namespace c10

namespace torch {

struct TensorOptions {
    c10::ScalarType type;
    c10::ScalarType dtype() const { return type; }
};

// A non-owning view of a contiguous array.
struct Tensor {
    void* data = nullptr;
    int64_t size = 0;
    c10::ScalarType type = c10::ScalarType::Float;
    Tensor contiguous() const { return *this; }
    void* data_ptr() const { return data; }
    int64_t numel() const { return size; }
    TensorOptions options() const { return TensorOptions{type}; }
};

}  // namespace torch

namespace at {
inline c10::ScalarType typeMetaToScalarType(c10::ScalarType t) { return t; }
}  // namespace at
