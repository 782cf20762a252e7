// TraversalService handlers: request limits and filters to engine options, results back to
// protobuf with external ids and names.
#include "service/traversal_service.h"

#include <set>

#include "engine/answer_budget.h"
#include "engine/ids.h"
#include "engine/paging.h"
#include "engine/status_macros.h"
#include "engine/strings.h"
#include "engine/traversal/export.h"
#include "engine/traversal/queries.h"
#include "engine/validation.h"

namespace claimgraph::service {
namespace {

// Traversal results stream in messages of this many entities.
constexpr int kTraverseBatch = 64;
// Claims listed per path edge.
constexpr int kClaimsPerPathEdge = 20;

absl::StatusOr<traversal::EdgeFilter> ToFilter(const v1::EdgeFilter& filter) {
  traversal::EdgeFilter out;
  switch (filter.direction()) {
    case v1::TRAVERSAL_DIRECTION_UNSPECIFIED:
    case v1::TRAVERSAL_DIRECTION_OUT: out.direction = traversal::Direction::kOut; break;
    case v1::TRAVERSAL_DIRECTION_IN: out.direction = traversal::Direction::kIn; break;
    case v1::TRAVERSAL_DIRECTION_BOTH: out.direction = traversal::Direction::kBoth; break;
    default: return absl::InvalidArgumentError("filter.direction: unknown value");
  }
  switch (filter.stance()) {
    case v1::STANCE_FILTER_UNSPECIFIED:
    case v1::STANCE_FILTER_INCLUDE_DISPUTED: out.stance = traversal::StanceFilter::kIncludeDisputed; break;
    case v1::STANCE_FILTER_SUPPORTED_ONLY: out.stance = traversal::StanceFilter::kSupportedOnly; break;
    case v1::STANCE_FILTER_ANY: out.stance = traversal::StanceFilter::kAny; break;
    default: return absl::InvalidArgumentError("filter.stance: unknown value");
  }
  if (!(filter.min_confidence() >= 0 && filter.min_confidence() <= 1)) {
    return absl::InvalidArgumentError("filter.min_confidence: must be in [0, 1]");
  }
  out.min_confidence = filter.min_confidence();
  out.predicates.assign(filter.predicates().begin(), filter.predicates().end());
  out.neighbor_types.assign(filter.neighbor_types().begin(), filter.neighbor_types().end());
  out.include_claimants.assign(filter.include_claimants().begin(), filter.include_claimants().end());
  out.exclude_claimants.assign(filter.exclude_claimants().begin(), filter.exclude_claimants().end());
  out.include_sources.assign(filter.include_sources().begin(), filter.include_sources().end());
  out.exclude_sources.assign(filter.exclude_sources().begin(), filter.exclude_sources().end());
  return out;
}

// The caller's limits within the server's, with the call's deadline and cancellation.
absl::StatusOr<traversal::QueryLimits> ToLimits(const v1::TraversalLimits& requested, const Limits& server,
                                                const CallInfo& call) {
  auto bounded = [](const char* field, int64_t asked, int64_t maximum) -> absl::StatusOr<int64_t> {
    if (asked < 0) return absl::InvalidArgumentError(StrCat("limits.", field, ": must not be negative"));
    if (asked > maximum) {
      return absl::ResourceExhaustedError(StrCat("limits.", field, ": at most ", maximum, " on this server"));
    }
    return asked == 0 ? maximum : asked;
  };
  traversal::QueryLimits limits;
  CG_ASSIGN_OR_RETURN(auto results, bounded("max_results", requested.max_results(), server.max_traversal_results));
  CG_ASSIGN_OR_RETURN(auto fanout, bounded("max_fanout", requested.max_fanout(), server.max_traversal_fanout));
  CG_ASSIGN_OR_RETURN(auto scanned, bounded("max_edges_scanned", requested.max_edges_scanned(),
                                            server.max_traversal_edges_scanned));
  limits.max_results = static_cast<size_t>(results);
  limits.max_fanout = static_cast<size_t>(fanout);
  limits.max_edges_scanned = static_cast<size_t>(scanned);
  limits.max_memory_bytes = static_cast<size_t>(server.max_traversal_memory_bytes);
  auto remaining = call.context->deadline() - std::chrono::system_clock::now();
  if (remaining < std::chrono::hours(24 * 365)) limits.deadline = std::chrono::steady_clock::now() + remaining;
  grpc::ServerContextBase* context = call.context;
  limits.cancelled = [context]() { return context->IsCancelled(); };
  return limits;
}

absl::Status CheckDepth(const char* field, int32_t depth, int32_t minimum, const Limits& server) {
  if (depth < minimum) return absl::InvalidArgumentError(StrCat(field, ": at least ", minimum));
  if (depth > server.max_traversal_depth) {
    return absl::ResourceExhaustedError(StrCat(field, ": at most ", server.max_traversal_depth, " on this server"));
  }
  return absl::OkStatus();
}

void ToProto(const traversal::Cut& cut, v1::TraversalCut* out) {
  out->set_results(cut.results);
  out->set_fanout(cut.fanout);
  out->set_edges_scanned(cut.edges_scanned);
  out->set_deadline(cut.deadline);
  out->set_cancelled(cut.cancelled);
  out->set_memory(cut.memory);
  out->set_answer_bytes(cut.answer_bytes);
}

// `with_names`: the subject's and object's names too (a record read each).
absl::Status ToProto(traversal::Describer& describer, const traversal::Edge& edge, v1::GraphEdge* out,
                     bool with_names = true) {
  CG_ASSIGN_OR_RETURN(auto description, describer.Describe(edge));
  out->set_subject_id(description.subject_id);
  out->set_predicate(description.predicate);
  out->set_object_id(description.object_id);
  out->set_statement_id(description.statement_id);
  out->set_claims(edge.fields.claims);
  out->set_supporting(edge.fields.supporting);
  out->set_refuting(edge.fields.refuting);
  out->set_confidence(edge.fields.confidence);
  *out->mutable_first_recorded_at() = ids::FromMicros(edge.fields.first_recorded_at);
  if (!with_names) return absl::OkStatus();
  CG_ASSIGN_OR_RETURN(auto subject, describer.Entity(edge.subject()));
  CG_ASSIGN_OR_RETURN(auto object, describer.Entity(edge.object()));
  out->set_subject_name(subject.name);
  out->set_object_name(object.name);
  return absl::OkStatus();
}

absl::Status ToProto(traversal::Describer& describer, const traversal::Reached& reached, v1::ReachedEntity* out) {
  CG_ASSIGN_OR_RETURN(auto entity, describer.Entity(reached.entity));
  out->set_entity_id(entity.id);
  out->set_name(entity.name);
  out->set_type(entity.type);
  out->set_depth(static_cast<int32_t>(reached.depth));
  if (reached.via) CG_RETURN_IF_ERROR(ToProto(describer, *reached.via, out->mutable_via()));
  return absl::OkStatus();
}

absl::StatusOr<traversal::PinnedGraph> Pin(traversal::TopologyManager* topology, bool has_as_of,
                                           const google::protobuf::Timestamp& as_of_proto) {
  CG_ASSIGN_OR_RETURN(auto as_of, validation::ParseAsOf(has_as_of, as_of_proto));
  return topology->Pin(as_of);
}

}  // namespace

grpc::ServerUnaryReactor* TraversalServiceImpl::Neighbors(grpc::CallbackServerContext* context, const v1::NeighborsRequest* request,
                                             v1::NeighborsResponse* response) {
  return context_.runtime->RunUnary(context, "TraversalService/Neighbors", Role::kReader, request,
                               [&](CallInfo& call) -> absl::Status {
    const auto& limits = context_.database->limits();
    CG_RETURN_IF_ERROR(validation::CheckId("entity_id", request->entity_id(), limits));
    CG_RETURN_IF_ERROR(validation::CheckPageSize(request->page_size(), limits));
    const bool with_names = request->view() != v1::TRAVERSAL_VIEW_IDS;
    traversal::NeighborsRequest query;
    query.entity_id = request->entity_id();
    CG_ASSIGN_OR_RETURN(query.filter, ToFilter(request->filter()));
    query.page_size = request->page_size();
    query.page_token = request->page_token();
    CG_ASSIGN_OR_RETURN(query.limits, ToLimits(v1::TraversalLimits(), limits, call));
    CG_ASSIGN_OR_RETURN(auto pinned, Pin(topology_, request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto result, traversal::Neighbors(*pinned.source, query));
    traversal::Describer describer(pinned.view.get(), pinned.base.get());
    for (const auto& edge : result.edges) {
      CG_RETURN_IF_ERROR(ToProto(describer, edge, response->add_edges(), with_names));
    }
    response->set_next_page_token(result.next_page_token);
    ToProto(result.cut, response->mutable_cut());
    return absl::OkStatus();
  });
}

grpc::Status TraversalServiceImpl::Traverse(grpc::ServerContext* context, const v1::TraverseRequest* request,
                                            grpc::ServerWriter<v1::TraverseResponse>* writer) {
  return context_.runtime->Run(context, "TraversalService/Traverse", Role::kReader, request,
                               [&](CallInfo& call) -> absl::Status {
    const auto& limits = context_.database->limits();
    CG_ASSIGN_OR_RETURN(auto ticket, context_.heavy_queries->Admit("TraversalService/Traverse"));
    if (request->start_ids_size() == 0) return absl::InvalidArgumentError("start_ids: at least one is required");
    for (int i = 0; i < request->start_ids_size(); ++i) {
      CG_RETURN_IF_ERROR(validation::CheckId(StrCat("start_ids[", i, "]"), request->start_ids(i), limits));
    }
    CG_RETURN_IF_ERROR(CheckDepth("max_depth", request->max_depth(), 1, limits));
    traversal::TraverseRequest query;
    query.start_ids.assign(request->start_ids().begin(), request->start_ids().end());
    query.max_depth = static_cast<uint32_t>(request->max_depth());
    CG_ASSIGN_OR_RETURN(query.filter, ToFilter(request->filter()));
    CG_ASSIGN_OR_RETURN(query.limits, ToLimits(request->limits(), limits, call));
    const bool ids_only = request->view() == v1::TRAVERSAL_VIEW_IDS;
    CG_ASSIGN_OR_RETURN(auto pinned, Pin(topology_, request->has_as_of(), request->as_of()));
    traversal::Describer describer(pinned.view.get(), pinned.base.get());
    v1::TraverseResponse batch;
    absl::Status failure;
    // The stream applies flow control: Write blocks while the client is not reading.
    query.on_reached = [&](const traversal::Reached& reached) {
      if (ids_only) {
        auto id = describer.EntityId(reached.entity);
        failure = id.status();
        if (!failure.ok()) return false;
        auto* entity = batch.add_entities();
        entity->set_entity_id(*std::move(id));
        entity->set_depth(static_cast<int32_t>(reached.depth));
      } else {
        failure = ToProto(describer, reached, batch.add_entities());
      }
      if (!failure.ok()) return false;
      if (batch.entities_size() >= kTraverseBatch) {
        if (!writer->Write(batch)) return false;  // the client went away
        batch.Clear();
      }
      return true;
    };
    CG_ASSIGN_OR_RETURN(auto result, traversal::Traverse(*pinned.source, query));
    CG_RETURN_IF_ERROR(failure);
    batch.set_done(true);
    ToProto(result.cut, batch.mutable_cut());
    if (!writer->Write(batch)) return absl::CancelledError("the client stopped reading");
    return absl::OkStatus();
  });
}

grpc::Status TraversalServiceImpl::FindPaths(grpc::ServerContext* context, const v1::FindPathsRequest* request,
                                             v1::FindPathsResponse* response) {
  return context_.runtime->Run(context, "TraversalService/FindPaths", Role::kReader, request,
                               [&](CallInfo& call) -> absl::Status {
    const auto& limits = context_.database->limits();
    CG_ASSIGN_OR_RETURN(auto ticket, context_.heavy_queries->Admit("TraversalService/FindPaths"));
    CG_RETURN_IF_ERROR(validation::CheckId("from_id", request->from_id(), limits));
    CG_RETURN_IF_ERROR(validation::CheckId("to_id", request->to_id(), limits));
    int32_t depth = request->max_depth() == 0 ? 4 : request->max_depth();
    CG_RETURN_IF_ERROR(CheckDepth("max_depth", depth, 1, limits));
    if (request->k() < 0) return absl::InvalidArgumentError("k: must not be negative");
    traversal::PathsRequest query;
    query.from_id = request->from_id();
    query.to_id = request->to_id();
    switch (request->mode()) {
      case v1::PATH_MODE_UNSPECIFIED:
      case v1::PATH_MODE_SHORTEST: query.mode = traversal::PathMode::kShortest; break;
      case v1::PATH_MODE_MOST_CREDIBLE: query.mode = traversal::PathMode::kMostCredible; break;
      case v1::PATH_MODE_ALL_SIMPLE: query.mode = traversal::PathMode::kAllSimple; break;
      default: return absl::InvalidArgumentError("mode: unknown value");
    }
    query.k = request->k() == 0 ? 1 : static_cast<uint32_t>(request->k());
    query.max_depth = static_cast<uint32_t>(depth);
    CG_ASSIGN_OR_RETURN(query.filter, ToFilter(request->filter()));
    CG_ASSIGN_OR_RETURN(query.limits, ToLimits(request->limits(), limits, call));
    if (query.k > query.limits.max_results) {
      return absl::ResourceExhaustedError(StrCat("k: at most ", query.limits.max_results));
    }
    CG_ASSIGN_OR_RETURN(auto pinned, Pin(topology_, request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto result, traversal::FindPaths(*pinned.source, query));
    traversal::Describer describer(pinned.view.get(), pinned.base.get());
    // The answer is counted as it is built: paths that would take it past the server's answer
    // limit are left out (cut.answer_bytes) rather than built and then refused by gRPC.
    size_t answer_bytes = 0;
    for (const auto& path : result.paths) {
      if (answer_bytes > limits.max_answer_bytes) break;
      auto* out = response->add_paths();
      out->set_weight(path.weight);
      out->set_confidence(path.confidence);
      for (const auto& edge : path.edges) {
        auto* graph_edge = out->add_edges();
        CG_RETURN_IF_ERROR(ToProto(describer, edge, graph_edge));
        // The claims behind the edge, so a person can check it.
        absl::Status failure;
        CG_RETURN_IF_ERROR(pinned.view->ForEachClaimOfStatement(edge.statement, [&](uint64_t claim_id) {
          auto claim = pinned.view->ClaimByInternalId(claim_id);
          if (!claim.ok()) {
            failure = claim.status();
            return false;
          }
          if (claim->has_value() && (**claim).status() != v1::CLAIM_STATUS_RETRACTED &&
              (**claim).status() != v1::CLAIM_STATUS_DEPRECATED) {
            auto* detail = graph_edge->add_claims_detail();
            *detail = std::move(**claim);
            detail->clear_statement();
          }
          return graph_edge->claims_detail_size() < kClaimsPerPathEdge;
        }));
        CG_RETURN_IF_ERROR(failure);
      }
      answer_bytes += out->ByteSizeLong();
      if (answer_bytes > limits.max_answer_bytes) {
        response->mutable_paths()->RemoveLast();
        result.cut.answer_bytes = true;
      }
    }
    ToProto(result.cut, response->mutable_cut());
    return absl::OkStatus();
  });
}

namespace {

// A page of a paged Subgraph (page_size > 0 or a page_token).
absl::Status SubgraphPage(const Database& database, const traversal::TopologyManager& topology,
                          const v1::SubgraphRequest& request,
                          const traversal::SubgraphRequest& query, v1::SubgraphResponse* response) {
  const auto& limits = database.limits();
  // The first page pins a time (the request's as_of, or its snapshot's); later pages are answered
  // as of the time their token carries.
  CG_ASSIGN_OR_RETURN(auto token_as_of, paging::PinnedPageTokenAsOf(request.page_token()));
  uint64_t as_of = 0;
  if (token_as_of) {
    as_of = *token_as_of;
  } else {
    CG_ASSIGN_OR_RETURN(auto requested,
                        validation::ParseAsOf(request.has_as_of(), request.as_of()));
    CG_ASSIGN_OR_RETURN(auto pinned_view, database.NewPinnedReadView(requested));
    as_of = pinned_view->as_of();
  }
  CG_ASSIGN_OR_RETURN(auto pinned, topology.Pin(as_of));
  traversal::SubgraphPaging paging;
  paging.page_size = request.page_size() > 0 ? static_cast<size_t>(request.page_size())
                                             : static_cast<size_t>(limits.default_page_size);
  paging.page_token = request.page_token();
  CG_ASSIGN_OR_RETURN(auto page, traversal::SubgraphPaged(*pinned.source, query, paging));
  // A page that would pass the answer limit ends early, with the token of what it left out.
  AnswerBudget budget(limits.max_answer_bytes);
  size_t sent = 0;
  traversal::Describer describer(pinned.view.get(), pinned.base.get());
  for (const auto& item : page.items) {
    google::protobuf::Message* added = nullptr;
    if (item.is_edge) {
      auto* edge = response->add_edges();
      CG_RETURN_IF_ERROR(ToProto(describer, page.whole.edges[item.index], edge));
      added = edge;
    } else {
      auto* entity = response->add_entities();
      CG_RETURN_IF_ERROR(ToProto(describer, page.whole.entities[item.index], entity));
      added = entity;
    }
    if (!budget.Take(added->ByteSizeLong())) {
      if (item.is_edge) {
        response->mutable_edges()->RemoveLast();
      } else {
        response->mutable_entities()->RemoveLast();
      }
      break;
    }
    ++sent;
  }
  response->set_next_page_token(page.TokenAfter(sent));
  response->set_total_entities(static_cast<int32_t>(page.whole.entities.size()));
  response->set_total_edges(static_cast<int32_t>(page.whole.edges.size()));
  ToProto(page.whole.cut, response->mutable_cut());
  return absl::OkStatus();
}

}  // namespace

grpc::Status TraversalServiceImpl::Subgraph(grpc::ServerContext* context, const v1::SubgraphRequest* request,
                                            v1::SubgraphResponse* response) {
  return context_.runtime->Run(context, "TraversalService/Subgraph", Role::kReader, request,
                               [&](CallInfo& call) -> absl::Status {
    const auto& limits = context_.database->limits();
    CG_ASSIGN_OR_RETURN(auto ticket, context_.heavy_queries->Admit("TraversalService/Subgraph"));
    if (request->entity_ids_size() == 0) return absl::InvalidArgumentError("entity_ids: at least one is required");
    for (int i = 0; i < request->entity_ids_size(); ++i) {
      CG_RETURN_IF_ERROR(validation::CheckId(StrCat("entity_ids[", i, "]"), request->entity_ids(i), limits));
    }
    CG_RETURN_IF_ERROR(CheckDepth("depth", request->depth(), 0, limits));
    traversal::ExportFormat format = traversal::ExportFormat::kJson;
    switch (request->format()) {
      case v1::GRAPH_FORMAT_UNSPECIFIED:
      case v1::GRAPH_FORMAT_JSON: format = traversal::ExportFormat::kJson; break;
      case v1::GRAPH_FORMAT_DOT: format = traversal::ExportFormat::kDot; break;
      case v1::GRAPH_FORMAT_GRAPHML: format = traversal::ExportFormat::kGraphMl; break;
      default: return absl::InvalidArgumentError("format: unknown value");
    }
    traversal::SubgraphRequest query;
    query.entity_ids.assign(request->entity_ids().begin(), request->entity_ids().end());
    query.depth = static_cast<uint32_t>(request->depth());
    CG_ASSIGN_OR_RETURN(query.filter, ToFilter(request->filter()));
    CG_ASSIGN_OR_RETURN(query.limits, ToLimits(request->limits(), limits, call));
    CG_RETURN_IF_ERROR(validation::CheckPageSize(request->page_size(), limits));
    if (request->page_size() > 0 || !request->page_token().empty()) {
      if (format != traversal::ExportFormat::kJson) {
        return absl::InvalidArgumentError(
            "format: a paged Subgraph has no document; DOT and GraphML need an unpaged call");
      }
      return SubgraphPage(*context_.database, *topology_, *request, query, response);
    }
    CG_ASSIGN_OR_RETURN(auto pinned, Pin(topology_, request->has_as_of(), request->as_of()));
    CG_ASSIGN_OR_RETURN(auto result, traversal::Subgraph(*pinned.source, query));
    // Entities and edges are counted as they are built, within half the answer limit (the
    // document, which says the same again, takes the other half): what does not fit is left
    // out (cut.answer_bytes), and the document is made of what was kept.
    const size_t half = limits.max_answer_bytes / 2;
    size_t answer_bytes = 0;
    auto fits = [&](const google::protobuf::Message& message) {
      size_t bytes = message.ByteSizeLong();
      if (answer_bytes + bytes > half) return false;
      answer_bytes += bytes;
      return true;
    };
    traversal::Describer describer(pinned.view.get(), pinned.base.get());
    for (size_t i = 0; i < result.entities.size(); ++i) {
      CG_RETURN_IF_ERROR(ToProto(describer, result.entities[i], response->add_entities()));
      if (fits(response->entities(static_cast<int>(i)))) continue;
      response->mutable_entities()->RemoveLast();
      result.entities.resize(i);
      result.cut.answer_bytes = true;
      std::set<uint64_t> members;
      for (const auto& reached : result.entities) members.insert(reached.entity);
      std::erase_if(result.edges, [&](const traversal::Edge& edge) {
        return members.count(edge.node) == 0 || members.count(edge.other) == 0;
      });
      break;
    }
    for (size_t i = 0; i < result.edges.size(); ++i) {
      CG_RETURN_IF_ERROR(ToProto(describer, result.edges[i], response->add_edges()));
      if (fits(response->edges(static_cast<int>(i)))) continue;
      response->mutable_edges()->RemoveLast();
      result.edges.resize(i);
      result.cut.answer_bytes = true;
      break;
    }
    CG_ASSIGN_OR_RETURN(*response->mutable_document(), traversal::ExportSubgraph(*pinned.view, result, format));
    if (response->document().size() > limits.max_answer_bytes - answer_bytes) {
      return absl::ResourceExhaustedError(
          StrCat("the subgraph's document is larger than this server's --max-answer-mb (",
                 limits.max_answer_bytes >> 20, " MiB): ask for fewer entities or a smaller depth"));
    }
    ToProto(result.cut, response->mutable_cut());
    return absl::OkStatus();
  });
}

}  // namespace claimgraph::service
