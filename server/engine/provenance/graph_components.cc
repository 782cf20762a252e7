// ProvenanceGraph's derivation components: Tarjan's strongly connected components over the
// source derivation links, with the root documents each component reaches.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/provenance/graph.h"
#include "engine/status_macros.h"

namespace claimgraph::provenance {

absl::StatusOr<const SourceComponent*> ProvenanceGraph::Component(uint64_t source) {
  if (!component_of_.count(source)) CG_RETURN_IF_ERROR(VisitComponents(source));
  auto found = component_of_.find(source);
  if (found == component_of_.end()) return static_cast<const SourceComponent*>(nullptr);
  return components_[found->second].get();
}

// Tarjan's algorithm with an explicit stack. Components complete in reverse topological order
// (every component reachable from C completes before C), so C's roots can be computed from its
// successors' when it completes. Components of earlier visits are finished and never revisited.
absl::Status ProvenanceGraph::VisitComponents(uint64_t start) {
  CG_ASSIGN_OR_RETURN(const SourceNode* first, Source(start));
  if (first == nullptr) return absl::OkStatus();
  struct Frame {
    const SourceNode* node;
    size_t next_edge;
  };
  std::unordered_map<uint64_t, uint64_t> index, low;
  std::unordered_set<uint64_t> on_stack;
  std::vector<uint64_t> stack;
  std::vector<Frame> frames;
  uint64_t counter = 0;
  auto open = [&](const SourceNode* node) {
    index[node->id] = low[node->id] = counter++;
    stack.push_back(node->id);
    on_stack.insert(node->id);
    frames.push_back({node, 0});
  };
  open(first);
  while (!frames.empty()) {
    Frame& frame = frames.back();
    const SourceNode* node = frame.node;
    if (frame.next_edge < node->facts.earlier.size()) {
      uint64_t next = node->facts.earlier[frame.next_edge++].first;
      if (component_of_.count(next)) continue;  // finished in an earlier visit
      if (!index.count(next)) {
        CG_ASSIGN_OR_RETURN(const SourceNode* next_node, Source(next));
        if (next_node != nullptr) open(next_node);
      } else if (on_stack.count(next)) {
        low[node->id] = std::min(low[node->id], index[next]);
      }
      continue;
    }
    frames.pop_back();
    if (!frames.empty()) {
      uint64_t parent = frames.back().node->id;
      low[parent] = std::min(low[parent], low[node->id]);
    }
    if (low[node->id] != index[node->id]) continue;
    auto component = std::make_unique<SourceComponent>();
    size_t number = components_.size();
    while (true) {
      uint64_t member = stack.back();
      stack.pop_back();
      on_stack.erase(member);
      component->members.push_back(member);
      component_of_[member] = number;
      if (member == node->id) break;
    }
    std::sort(component->members.begin(), component->members.end());
    component->cycle = component->members.size() > 1;
    for (uint64_t member : component->members) {
      CG_ASSIGN_OR_RETURN(const SourceNode* member_node, Source(member));
      for (const auto& [earlier, type] : member_node->facts.earlier) {
        auto target = component_of_.find(earlier);
        if (target == component_of_.end()) continue;  // not visible
        if (target->second == number) {
          component->cycle |= earlier == member;
          continue;
        }
        const auto& roots = components_[target->second]->roots;
        component->roots.insert(component->roots.end(), roots.begin(), roots.end());
      }
    }
    if (component->roots.empty()) {
      component->root = true;
      component->roots = component->members;
    }
    std::sort(component->roots.begin(), component->roots.end());
    component->roots.erase(std::unique(component->roots.begin(), component->roots.end()),
                           component->roots.end());
    if (component->cycle) cycles_.push_back(component.get());
    components_.push_back(std::move(component));
  }
  return absl::OkStatus();
}

}  // namespace claimgraph::provenance
