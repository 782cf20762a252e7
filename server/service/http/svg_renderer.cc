// RenderSvg on libgvc: parse, lay out with dot, render to an in-memory SVG.
#include "service/http/svg_renderer.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <mutex>

namespace claimgraph::service::http {

absl::StatusOr<std::string> RenderSvg(std::string_view dot) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  // One context for the process: creating one loads Graphviz's plugins each time.
  static GVC_t* context = gvContext();
  std::string text(dot);
  Agraph_t* graph = agmemread(text.c_str());
  if (graph == nullptr) return absl::InvalidArgumentError("drawing: the DOT text does not parse");
  if (gvLayout(context, graph, "dot") != 0) {
    agclose(graph);
    return absl::InternalError("drawing: Graphviz layout failed");
  }
  char* data = nullptr;
  unsigned int length = 0;
  int rendered = gvRenderData(context, graph, "svg", &data, &length);
  std::string svg;
  if (rendered == 0 && data != nullptr) svg.assign(data, length);
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(context, graph);
  agclose(graph);
  if (rendered != 0) return absl::InternalError("drawing: Graphviz could not render SVG");
  return svg;
}

}  // namespace claimgraph::service::http
