#pragma once
// The namespace operations of real::storage, in the shape async_run
// expects: nothing happens when they start; when they run, a cancellation
// that came first makes them abort without touching the file system.

#include <boost/asio/error.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <tuple>

#include "moonpool/real/storage/detail/file_state.hpp"
#include "moonpool/real/storage/detail/posix.hpp"

namespace moonpool::real::detail {

// Completes with a File (basic_file<Executor>) on the new descriptor.
template <class File, class Executor>
struct open_op {
  Executor executor;
  std::filesystem::path root;
  std::string path;
  sim::open_options options;

  void start() {}
  std::tuple<error_code, File> finish(bool cancelled) {
    if (cancelled) {
      return {boost::asio::error::operation_aborted, File(executor)};
    }
    const open_result opened = open_file(root, path, options);
    if (opened.ec) {
      return {opened.ec, File(executor)};
    }
    std::filesystem::path name;
    (void)resolve(root, path, name);  // open_file resolved it already
    return {error_code(),
            File(executor, std::make_shared<file_state>(opened.fd, options, name.parent_path()))};
  }
};

// remove, rename and directory sync: a system call and its error.
template <class Call>
struct namespace_op {
  Call call;

  void start() {}
  std::tuple<error_code> finish(bool cancelled) {
    if (cancelled) {
      return {boost::asio::error::operation_aborted};
    }
    return {call()};
  }
};

}  // namespace moonpool::real::detail
