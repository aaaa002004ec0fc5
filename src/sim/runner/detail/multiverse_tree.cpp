#include "multiverse_tree.hpp"

#include <algorithm>
#include <map>

namespace moonpool::sim::detail {
namespace {

// Adds a bug's path below `node`, one node per fork (compressed later).
void insert_path(multiverse_node& node, std::span<const explore::recipe_step> steps,
                 std::size_t bug) {
  multiverse_node* at = &node;
  for (const explore::recipe_step& step : steps) {
    auto child = std::find_if(at->children.begin(), at->children.end(),
                              [&](const multiverse_node& c) { return c.forks.front() == step; });
    if (child == at->children.end()) {
      at->children.push_back(multiverse_node{{step}, {}, {}});
      child = at->children.end() - 1;
    }
    at = &*child;
  }
  at->bugs.push_back(bug);
}

// Folds every run of single-child nodes without bugs into one node.
void compress(multiverse_node& node) {
  for (multiverse_node& child : node.children) {
    while (child.bugs.empty() && child.children.size() == 1) {
      multiverse_node only = std::move(child.children.front());
      child.forks.insert(child.forks.end(), only.forks.begin(), only.forks.end());
      child.bugs = std::move(only.bugs);
      child.children = std::move(only.children);
    }
    compress(child);
  }
}

}  // namespace

std::vector<multiverse_root> build_multiverse(std::span<const seed_result> roots,
                                              std::span<const explore::found_bug> bugs) {
  std::vector<multiverse_root> tree;
  std::map<std::uint64_t, std::size_t> index_of_seed;  // an exploration may have many roots
  const auto root_of = [&](std::uint64_t seed) -> multiverse_root& {
    const auto [at, added] = index_of_seed.try_emplace(seed, tree.size());
    if (added) {
      tree.push_back(multiverse_root{seed, nullptr, {}, 0});
    }
    return tree[at->second];
  };
  for (const seed_result& root : roots) {
    root_of(root.seed).timeline = &root;
  }
  for (std::size_t i = 0; i < bugs.size(); ++i) {
    multiverse_root& root = root_of(bugs[i].where.root_seed);
    insert_path(root.tree, bugs[i].where.steps, i);
    ++root.bugs_below;
  }
  for (multiverse_root& root : tree) {
    compress(root.tree);
  }
  return tree;
}

}  // namespace moonpool::sim::detail
