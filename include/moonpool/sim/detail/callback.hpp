#pragma once
// A move-only, type-erased `void()` callable with a small inline buffer.
//
// Asio hands executors move-only function objects (its executor_function), so
// std::function cannot hold them. Most of what we store is one pointer wide
// (Asio's own wrapper, or a lambda capturing an id), so an inline buffer of
// three pointers avoids a second allocation per posted handler.

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace moonpool::sim::detail {

class callback {
 public:
  callback() noexcept = default;

  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, callback>>>
  callback(F&& f) {  // NOLINT(google-explicit-constructor): mirrors std::function
    using stored = std::decay_t<F>;
    if constexpr (fits_inline<stored>) {
      ::new (static_cast<void*>(&buffer_)) stored(std::forward<F>(f));
      vtable_ = &inline_vtable<stored>;
    } else {
      *reinterpret_cast<stored**>(&buffer_) = new stored(std::forward<F>(f));
      vtable_ = &heap_vtable<stored>;
    }
  }

  callback(callback&& other) noexcept : vtable_(other.vtable_) {
    if (vtable_ != nullptr) {
      vtable_->move(&other.buffer_, &buffer_);
      other.vtable_ = nullptr;
    }
  }

  callback& operator=(callback&& other) noexcept {
    if (this != &other) {
      reset();
      vtable_ = other.vtable_;
      if (vtable_ != nullptr) {
        vtable_->move(&other.buffer_, &buffer_);
        other.vtable_ = nullptr;
      }
    }
    return *this;
  }

  callback(const callback&) = delete;
  callback& operator=(const callback&) = delete;
  ~callback() { reset(); }

  explicit operator bool() const noexcept { return vtable_ != nullptr; }

  // Invokes the callable once. The callable stays alive (and is destroyed by
  // the destructor), so it may safely destroy objects it owns while running.
  void operator()() { vtable_->invoke(&buffer_); }

  void reset() noexcept {
    if (vtable_ != nullptr) {
      const auto* vt = vtable_;
      vtable_ = nullptr;
      vt->destroy(&buffer_);
    }
  }

 private:
  using storage = std::aligned_storage_t<3 * sizeof(void*), alignof(std::max_align_t)>;

  struct vtable {
    void (*invoke)(void*);
    void (*move)(void* from, void* to) noexcept;
    void (*destroy)(void*) noexcept;
  };

  template <class F>
  static constexpr bool fits_inline =
      sizeof(F) <= sizeof(storage) &&
      alignof(F) <= alignof(storage) && std::is_nothrow_move_constructible_v<F>;

  template <class F>
  static constexpr vtable inline_vtable{
      [](void* p) { (*static_cast<F*>(p))(); },
      [](void* from, void* to) noexcept {
        ::new (to) F(std::move(*static_cast<F*>(from)));
        static_cast<F*>(from)->~F();
      },
      [](void* p) noexcept { static_cast<F*>(p)->~F(); },
  };

  template <class F>
  static constexpr vtable heap_vtable{
      [](void* p) { (**static_cast<F**>(p))(); },
      [](void* from, void* to) noexcept { *static_cast<F**>(to) = *static_cast<F**>(from); },
      [](void* p) noexcept { delete *static_cast<F**>(p); },
  };

  storage buffer_;
  const vtable* vtable_ = nullptr;
};

}  // namespace moonpool::sim::detail
