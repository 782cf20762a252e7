// load_generator: an asynchronous gRPC load generator for claimgraphd on loopback.
//
// One CompletionQueue, one polling thread, `concurrency` calls kept in flight (closed loop: a
// finished call is replaced at once), bounded by duration and by call count. Each workload turns
// a target (a line of the targets file: an entity id, a claim id, a pair of ids) into one call;
// targets are used round-robin, so both systems see the same inputs in the same order.
//
//   load_generator --target 127.0.0.1:PORT --workload NAME --concurrency 1,8,32
//                  --targets FILE [--duration-s 10] [--max-calls N] [--warmup-s 1] [--out FILE]
//                  [--cover-targets: past the duration until every target was measured once]
//   load_generator --target ... --soak --rate 500 --duration-s 600 --targets entities.txt
//                  --write-targets corroborate.txt --server-pid PID --timeline FILE
//                  [--hot-statements: writes add claims to the targets' statements instead of
//                   new statements]
//   traversal limits (hop2, hop3, path): [--max-results N] [--max-fanout N]
//                  [--max-edges-scanned N]; Neighbors pages (hop1): [--page-size N]
//
// Workloads: noop (grpc.health.v1.Health/Check: the cheapest call the same server framework
// answers), get_entity, batch_get (BatchGetEntities of each target line's ids), and, when the
// server's protos have them, trace (TraceClaim), corroborate (Corroborate), hop1 / hop2 / hop3 /
// path (TraversalService). A workload whose RPC is not compiled in exits with status 3
// ("unsupported"), which the driver records. A traversal answer that a limit cut (its cut flags, or
// a stream without its final message) is counted as an error and as truncated, never as an answer.
// Results: one JSON line per (workload, concurrency), see bench_stats.h.
#include <grpcpp/grpcpp.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "answers.h"
#include "bench_cli.h"
#include "bench_stats.h"
#include "claimgraph/v1/claim_service.grpc.pb.h"
#include "claimgraph/v1/entity_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
// Defined by bench/CMakeLists.txt when the service's .proto exists, so the workload plugs in
// as soon as its RPC lands (and the file is recompiled when it does).
#ifdef CLAIMGRAPH_BENCH_PROVENANCE
#include "claimgraph/v1/provenance_service.grpc.pb.h"
#endif
#ifdef CLAIMGRAPH_BENCH_TRAVERSAL
#include "claimgraph/v1/traversal_service.grpc.pb.h"
#endif

namespace claimgraph::bench {
namespace {

namespace v1 = ::claimgraph::v1;

// One call in flight. The CompletionQueue tag is the Call itself; Proceed() advances its state
// machine and says whether the call is finished.
class Call {
 public:
  virtual ~Call() = default;
  virtual bool Proceed(bool ok) = 0;

  Clock::time_point start = Clock::now();
  size_t target = 0;
  bool write = false;
  grpc::ClientContext context;
  grpc::Status status;
  int64_t answer = -1;  // size of the answer (entities, nodes, origins...), -1: not counted
  // The server said a limit cut the answer short (a traversal's cut flags, or a stream without
  // its final message): the call counts as an error and its answer is never compared.
  bool truncated = false;
  std::string truncation;  // which limits
  std::string detail;      // the whole answer, canonical (answers.h), for workloads that have one
  uint64_t sequence = 0;   // the call's place in the run (its pass: sequence / targets)
};

template <typename Response>
class UnaryCall : public Call {
 public:
  UnaryCall(std::function<int64_t(const Response&)> size,
            std::function<std::string(const Response&)> cut,
            std::function<std::string(const Response&)> detail)
      : size_(std::move(size)), cut_(std::move(cut)), detail_(std::move(detail)) {}
  bool Proceed(bool) override {
    if (!status.ok()) return true;
    if (cut_) truncation = cut_(response);
    truncated = !truncation.empty();
    if (!truncated && size_) answer = size_(response);
    if (!truncated && detail_) detail = detail_(response);
    return true;
  }
  Response response;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader;

 private:
  std::function<int64_t(const Response&)> size_;
  std::function<std::string(const Response&)> cut_;
  std::function<std::string(const Response&)> detail_;
};

// Starts the call for target `index` on `queue`; the Call is deleted by the poller.
using CallFactory = std::function<Call*(size_t index, grpc::CompletionQueue* queue)>;

constexpr auto kCallDeadline = std::chrono::seconds(30);

template <typename Response, typename Prepare>
Call* StartUnary(size_t index, grpc::CompletionQueue* queue, Prepare prepare,
                 std::function<int64_t(const Response&)> size = nullptr,
                 std::function<std::string(const Response&)> cut = nullptr,
                 std::function<std::string(const Response&)> detail = nullptr) {
  auto* call = new UnaryCall<Response>(std::move(size), std::move(cut), std::move(detail));
  call->target = index;
  call->context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  call->reader = prepare(&call->context, queue);
  call->reader->StartCall();
  call->reader->Finish(&call->response, &call->status, call);
  return call;
}

#ifdef CLAIMGRAPH_BENCH_PROVENANCE
template <typename Repeated>
std::vector<std::string> Strings(const Repeated& values) {
  return {values.begin(), values.end()};
}

std::string TraceDetail(const v1::Trace& trace) {
  TraceAnswer answer;
  for (const auto& node : trace.nodes()) answer.nodes.push_back(node.key());
  answer.root_claims = Strings(trace.root_claim_ids());
  answer.root_sources = Strings(trace.root_source_ids());
  answer.first_claims = Strings(trace.first_claim_ids());
  answer.first_sources = Strings(trace.first_source_ids());
  for (const auto& flag : trace.flags()) {
    answer.flags.emplace_back(static_cast<int>(flag.kind()), flag.node_key(), flag.related_key());
  }
  for (const auto& cycle : trace.cycles()) answer.cycles.push_back(Strings(cycle.source_ids()));
  for (const auto& cycle : trace.relay_cycles()) {
    answer.relay_cycles.push_back(Strings(cycle.claim_ids()));
  }
  return Canonical(answer);
}

std::string CorroborationDetail(const v1::CorroborateResponse& response) {
  CorroborationAnswer answer;
  answer.origins_for = response.origins_for();
  answer.origins_against = response.origins_against();
  answer.supporting = response.supporting_claims();
  answer.refuting = response.refuting_claims();
  answer.belief = response.fused().belief();
  answer.disbelief = response.fused().disbelief();
  answer.uncertainty = response.fused().uncertainty();
  answer.probability = response.fused().projected_probability();
  for (const auto& origin : response.origins()) {
    OriginAnswer out;
    for (const auto& claim : origin.supporting()) out.claims.push_back(claim.claim_id());
    for (const auto& claim : origin.refuting()) out.claims.push_back(claim.claim_id());
    out.keys = Strings(origin.keys());
    out.strongest = origin.strongest_claim_id();
    out.circular = origin.circular();
    out.belief = origin.contribution().belief();
    out.disbelief = origin.contribution().disbelief();
    out.uncertainty = origin.contribution().uncertainty();
    answer.origins.push_back(std::move(out));
  }
  answer.discussing = Strings(response.discussing_claim_ids());
  for (const auto& cycle : response.cycles()) answer.cycles.push_back(Strings(cycle.source_ids()));
  return Canonical(answer);
}
#endif

#ifdef CLAIMGRAPH_BENCH_TRAVERSAL
// "results,fanout" for the limits that cut a traversal; empty when the answer is complete.
std::string DescribeCut(const v1::TraversalCut& cut) {
  std::string text;
  auto add = [&](bool flag, const char* name) {
    if (!flag) return;
    if (!text.empty()) text += ",";
    text += name;
  };
  add(cut.results(), "results");
  add(cut.fanout(), "fanout");
  add(cut.edges_scanned(), "edges_scanned");
  add(cut.deadline(), "deadline");
  add(cut.cancelled(), "cancelled");
  return text;
}

// Neighbors of one entity, every page: the call follows next_page_token (a page may also be
// short when filters reject many edges) until the listing ends; the answer is the edges of all
// pages and the latency covers all of them.
class NeighborsCall : public Call {
 public:
  NeighborsCall(v1::TraversalService::Stub* stub, v1::NeighborsRequest request,
                grpc::CompletionQueue* queue)
      : stub_(stub),
        request_(std::move(request)),
        queue_(queue),
        deadline_(std::chrono::system_clock::now() + kCallDeadline) {}
  void StartPage() {
    page_context_ = std::make_unique<grpc::ClientContext>();
    page_context_->set_deadline(deadline_);
    response_.Clear();
    reader_ = stub_->PrepareAsyncNeighbors(page_context_.get(), request_, queue_);
    reader_->StartCall();
    reader_->Finish(&response_, &status, this);
  }
  bool Proceed(bool) override {
    if (!status.ok()) return true;
    edges_ += response_.edges_size();
    truncation = DescribeCut(response_.cut());
    truncated = !truncation.empty();
    if (truncated) return true;
    if (!response_.next_page_token().empty()) {
      request_.set_page_token(response_.next_page_token());
      StartPage();
      return false;
    }
    answer = edges_;
    return true;
  }

 private:
  v1::TraversalService::Stub* stub_;
  v1::NeighborsRequest request_;
  grpc::CompletionQueue* queue_;
  std::chrono::system_clock::time_point deadline_;
  std::unique_ptr<grpc::ClientContext> page_context_;
  v1::NeighborsResponse response_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::NeighborsResponse>> reader_;
  int64_t edges_ = 0;
};

// Traverse, streamed: reads every message, counting the entities reached beyond the starts
// (depth > 0). The answer counts only when the last message (done = true) arrived and says
// nothing was cut.
class TraverseCall : public Call {
 public:
  bool Proceed(bool ok) override {
    switch (state_) {
      case State::kStarting:
      case State::kReading:
        if (state_ == State::kReading && ok) {
          for (const auto& entity : response_.entities()) reached_ += entity.depth() > 0 ? 1 : 0;
          if (response_.done()) {
            done_ = true;
            cut_ = DescribeCut(response_.cut());
          }
        }
        if (ok) {
          state_ = State::kReading;
          response_.Clear();
          reader->Read(&response_, this);
        } else {
          state_ = State::kFinishing;
          reader->Finish(&status, this);
        }
        return false;
      case State::kFinishing:
        if (!status.ok()) return true;
        truncation = !done_ ? "stream ended without its final message" : cut_;
        truncated = !truncation.empty();
        if (!truncated) answer = reached_;
        return true;
    }
    return true;
  }
  std::unique_ptr<grpc::ClientAsyncReader<v1::TraverseResponse>> reader;

 private:
  enum class State { kStarting, kReading, kFinishing };
  State state_ = State::kStarting;
  v1::TraverseResponse response_;
  int64_t reached_ = 0;
  bool done_ = false;
  std::string cut_;
};
#endif

struct Options {
  std::string target = "127.0.0.1:50051";
  std::string workload;
  std::vector<int> concurrency = {1};
  std::string targets_path;
  double duration_s = 10;
  double warmup_s = 1;
  uint64_t max_calls = 0;  // 0: no bound besides duration
  // Keep going past the duration until every target has been measured once (the pipeline
  // self-test, so every input's answers are compared).
  bool cover_targets = false;
  // Instead of a timed run: every target exactly `passes` times in order, no warm-up; the first
  // pass is reported as cold, the others as warm.
  int passes = 0;
  std::string out;
  std::string answers_out;  // FILE for the canonical answers (workloads compared by value)
  std::string system;       // the results' system label (default: claimgraph, or grpc-noop)
  // Soak.
  bool soak = false;
  double rate = 200;
  double write_fraction = 0.1;
  double window_s = 10;
  std::string write_targets_path;
  int server_pid = 0;
  std::string timeline;
  bool hot_statements = false;
  // Traversal requests: limits far above what the benchmark's answers need, so an answer is
  // complete (a cut one is reported as truncated, never compared); each must be within the
  // server's maximum (claimgraphd --max-traversal-results / --max-traversal-fanout;
  // edges scanned: the server's fixed maximum, 20,000,000), else the call fails.
  int32_t max_results = 100000000;
  int32_t max_fanout = 100000000;
  int64_t max_edges_scanned = 20000000;
  int32_t page_size = 1000;  // Neighbors pages (the server's --max-page-size bounds it)
};

class Workloads {
 public:
  Workloads(std::shared_ptr<grpc::Channel> channel, std::vector<std::string> targets,
            const Options& options)
      : options_(options),
        channel_(channel),
        targets_(std::move(targets)),
        health_(grpc::health::v1::Health::NewStub(channel)),
        entities_(v1::EntityService::NewStub(channel)),
        claims_(v1::ClaimService::NewStub(channel))
#ifdef CLAIMGRAPH_BENCH_PROVENANCE
        ,
        provenance_(v1::ProvenanceService::NewStub(channel))
#endif
#ifdef CLAIMGRAPH_BENCH_TRAVERSAL
        ,
        traversal_(v1::TraversalService::NewStub(channel))
#endif
  {
  }

  // The factory for `workload`, or nullptr when this build has no such RPC.
  CallFactory Factory(const std::string& workload, std::string* error) {
    if (workload == "noop") {
      return [this](size_t index, grpc::CompletionQueue* queue) {
        grpc::health::v1::HealthCheckRequest request;
        return StartUnary<grpc::health::v1::HealthCheckResponse>(
            index, queue, [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
              return health_->PrepareAsyncCheck(context, request, q);
            });
      };
    }
    if (workload == "get_entity") {
      return [this](size_t index, grpc::CompletionQueue* queue) {
        v1::GetEntityRequest request;
        request.set_id(targets_[index]);
        return StartUnary<v1::Entity>(
            index, queue,
            [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
              return entities_->PrepareAsyncGetEntity(context, request, q);
            },
            [](const v1::Entity& entity) {
              return static_cast<int64_t>(entity.id().empty() ? 0 : 1);
            });
      };
    }
    if (workload == "batch_get") {
      // Each target line: the ids of one BatchGetEntities call, space-separated.
      return [this](size_t index, grpc::CompletionQueue* queue) {
        v1::BatchGetEntitiesRequest request;
        const std::string& line = targets_[index];
        for (size_t begin = 0; begin < line.size();) {
          size_t end = line.find(' ', begin);
          if (end == std::string::npos) end = line.size();
          if (end > begin) request.add_ids(line.substr(begin, end - begin));
          begin = end + 1;
        }
        return StartUnary<v1::BatchGetEntitiesResponse>(
            index, queue,
            [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
              return entities_->PrepareAsyncBatchGetEntities(context, request, q);
            },
            [](const v1::BatchGetEntitiesResponse& response) {
              int64_t found = 0;
              for (const auto& entity : response.entities()) found += entity.id().empty() ? 0 : 1;
              return found;
            });
      };
    }
#ifdef CLAIMGRAPH_BENCH_PROVENANCE
    if (workload == "trace") {
      return [this](size_t index, grpc::CompletionQueue* queue) {
        v1::TraceClaimRequest request;
        request.set_claim_id(targets_[index]);
        return StartUnary<v1::TraceClaimResponse>(
            index, queue,
            [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
              return provenance_->PrepareAsyncTraceClaim(context, request, q);
            },
            [](const v1::TraceClaimResponse& response) {
              int64_t claims = 0;
              for (const auto& node : response.trace().nodes()) {
                claims += node.kind() == v1::TRACE_NODE_KIND_CLAIM ? 1 : 0;
              }
              return claims;
            },
            [](const v1::TraceClaimResponse& response) {
              return response.trace().truncated() ? std::string("truncated") : std::string();
            },
            [](const v1::TraceClaimResponse& response) { return TraceDetail(response.trace()); });
      };
    }
    if (workload == "corroborate") {
      // Targets name a claim of each statement: resolve the statement ids once, untimed.
      statement_ids_.clear();
      for (const auto& claim_id : targets_) {
        grpc::ClientContext context;
        v1::GetClaimRequest request;
        request.set_id(claim_id);
        v1::Claim claim;
        auto status = claims_->GetClaim(&context, request, &claim);
        if (!status.ok()) {
          *error = "GetClaim " + claim_id + ": " + status.error_message();
          return nullptr;
        }
        statement_ids_.push_back(claim.statement_id());
      }
      return [this](size_t index, grpc::CompletionQueue* queue) {
        v1::CorroborateRequest request;
        request.set_statement_id(statement_ids_[index]);
        return StartUnary<v1::CorroborateResponse>(
            index, queue,
            [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
              return provenance_->PrepareAsyncCorroborate(context, request, q);
            },
            [](const v1::CorroborateResponse& response) {
              return static_cast<int64_t>(response.origins_size());
            },
            [](const v1::CorroborateResponse& response) {
              return response.truncated() ? std::string("truncated") : std::string();
            },
            CorroborationDetail);
      };
    }
#endif
#ifdef CLAIMGRAPH_BENCH_TRAVERSAL
    // The graph workloads, sized as pg_bench and storage_bench size theirs: hop1 counts the
    // out-edges (confidence >= 0.5), hop2 / hop3 the distinct entities reached along out-edges
    // (start excluded), path the hops of the shortest path (0: none within 4 hops). Every edge
    // filter is the default stance (at least one active supporting claim).
    if (workload == "hop1") {
      return [this](size_t index, grpc::CompletionQueue* queue) -> Call* {
        v1::NeighborsRequest request;
        request.set_entity_id(targets_[index]);
        request.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_OUT);
        request.mutable_filter()->set_min_confidence(0.5);
        request.set_page_size(options_.page_size);
        // Edges with ids, statement ids and aggregates, without names (PostgreSQL's row has none).
        request.set_view(v1::TRAVERSAL_VIEW_IDS);
        auto* call = new NeighborsCall(traversal_.get(), std::move(request), queue);
        call->target = index;
        call->StartPage();
        return call;
      };
    }
    if (workload == "hop2" || workload == "hop3") {
      int depth = workload == "hop2" ? 2 : 3;
      return [this, depth](size_t index, grpc::CompletionQueue* queue) -> Call* {
        v1::TraverseRequest request;
        request.add_start_ids(targets_[index]);
        request.set_max_depth(depth);
        request.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_OUT);
        // Ids and depths, as PostgreSQL's query returns: what a caller counting reach asks for.
        request.set_view(v1::TRAVERSAL_VIEW_IDS);
        SetLimits(request.mutable_limits());
        auto* call = new TraverseCall();
        call->target = index;
        call->context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
        call->reader = traversal_->PrepareAsyncTraverse(&call->context, request, queue);
        call->reader->StartCall(call);
        return call;
      };
    }
    if (workload == "path") {
      for (const auto& target : targets_) {
        if (target.find(' ') == std::string::npos) {
          *error = "path targets are 'FROM TO' pairs, not '" + target + "'";
          return nullptr;
        }
      }
      return [this](size_t index, grpc::CompletionQueue* queue) -> Call* {
        const std::string& pair = targets_[index];
        size_t space = pair.find(' ');
        v1::FindPathsRequest request;
        request.set_from_id(pair.substr(0, space));
        request.set_to_id(pair.substr(space + 1));
        request.set_mode(v1::PATH_MODE_SHORTEST);
        request.set_k(1);
        request.set_max_depth(4);
        request.mutable_filter()->set_direction(v1::TRAVERSAL_DIRECTION_OUT);
        SetLimits(request.mutable_limits());
        return StartUnary<v1::FindPathsResponse>(
            index, queue,
            [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
              return traversal_->PrepareAsyncFindPaths(context, request, q);
            },
            [](const v1::FindPathsResponse& response) -> int64_t {
              return response.paths_size() == 0 ? 0 : response.paths(0).edges_size();
            },
            [](const v1::FindPathsResponse& response) { return DescribeCut(response.cut()); });
      };
    }
#endif
    *error = "workload '" + workload + "' is not supported by this build (its RPC is missing)";
    return nullptr;
  }

  // Soak writes: new claims on the statements of the claims named by `templates`.
  bool PrepareWrites(const std::vector<std::string>& templates, bool hot_statements,
                     std::string* error) {
    options_hot_statements_ = hot_statements;
    for (const auto& claim_id : templates) {
      grpc::ClientContext context;
      v1::GetClaimRequest request;
      request.set_id(claim_id);
      v1::Claim claim;
      auto status = claims_->GetClaim(&context, request, &claim);
      if (!status.ok()) {
        *error = "GetClaim " + claim_id + ": " + status.error_message();
        return false;
      }
      v1::Claim input;
      input.set_statement_id(claim.statement_id());
      input.set_act(claim.act());
      input.set_stance(claim.stance());
      *input.mutable_claimant() = claim.claimant();
      input.set_source_id(claim.source_id());
      write_templates_.push_back(std::move(input));
      v1::Statement statement;
      statement.set_subject_id(claim.statement().subject_id());
      statement.set_predicate(claim.statement().predicate());
      *statement.mutable_object() = claim.statement().object();
      statement_templates_.push_back(std::move(statement));
    }
    return !write_templates_.empty();
  }

  Call* StartWrite(uint64_t sequence, grpc::CompletionQueue* queue) {
    v1::CreateClaimRequest request;
    *request.mutable_claim() = write_templates_[sequence % write_templates_.size()];
    request.mutable_claim()->set_id("soak-" + std::to_string(getpid()) + "-" +
                                    std::to_string(sequence));
    request.mutable_claim()->set_confidence(static_cast<double>(sequence % 100) / 100.0);
    if (options_hot_statements_) {
      // Every write adds a claim to one of a few statements (they grow without bound).
    } else {
      // Every write claims a new statement: the template's proposition with its own qualifier,
      // as an importer adds new facts. (Hot statements are --hot-statements.)
      v1::Statement statement = statement_templates_[sequence % statement_templates_.size()];
      auto* qualifier = statement.add_qualifiers();
      qualifier->set_key("soak_sequence");
      qualifier->mutable_value()->set_integer_value(static_cast<int64_t>(sequence));
      request.mutable_claim()->clear_statement_id();
      *request.mutable_claim()->mutable_statement() = std::move(statement);
    }
    Call* call = StartUnary<v1::Claim>(
        0, queue, [&](grpc::ClientContext* context, grpc::CompletionQueue* q) {
          return claims_->PrepareAsyncCreateClaim(context, request, q);
        });
    call->write = true;
    return call;
  }

  size_t target_count() const {
    return statement_ids_.empty() ? targets_.size() : statement_ids_.size();
  }

 private:
#ifdef CLAIMGRAPH_BENCH_TRAVERSAL
  void SetLimits(v1::TraversalLimits* limits) const {
    limits->set_max_results(options_.max_results);
    limits->set_max_fanout(options_.max_fanout);
    limits->set_max_edges_scanned(options_.max_edges_scanned);
  }
#endif

  const Options& options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::vector<std::string> targets_;
  std::vector<std::string> statement_ids_;
  std::vector<v1::Claim> write_templates_;
  std::vector<v1::Statement> statement_templates_;
  bool options_hot_statements_ = false;
  std::unique_ptr<grpc::health::v1::Health::Stub> health_;
  std::unique_ptr<v1::EntityService::Stub> entities_;
  std::unique_ptr<v1::ClaimService::Stub> claims_;
#ifdef CLAIMGRAPH_BENCH_PROVENANCE
  std::unique_ptr<v1::ProvenanceService::Stub> provenance_;
#endif
#ifdef CLAIMGRAPH_BENCH_TRAVERSAL
  std::unique_ptr<v1::TraversalService::Stub> traversal_;
#endif
};

// Closed loop: `concurrency` calls in flight until the duration or the call bound is reached.
// With options.passes, `first_pass` (when given) receives the first pass's latencies and
// `result` the later passes'.
WorkloadResult RunClosedLoop(const CallFactory& factory, size_t targets, int concurrency,
                             const Options& options, WorkloadResult* first_pass = nullptr) {
  grpc::CompletionQueue queue;
  WorkloadResult result;
  result.concurrency = concurrency;
  const bool passes = options.passes > 0;
  const uint64_t total_calls = passes ? static_cast<uint64_t>(options.passes) * targets : 0;
  auto begin = Clock::now();
  auto measure_from = begin + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(passes ? 0 : options.warmup_s));
  auto end = passes ? Clock::time_point::max()
                    : measure_from + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(options.duration_s));
  uint64_t issued = 0, measured = 0;
  int in_flight = 0;
  bool stopping = false;
  auto issue = [&]() {
    Call* call = factory(issued % targets, &queue);
    call->sequence = issued;
    ++issued;
    ++in_flight;
  };
  double cpu_start = ServerCpuMicros(options.server_pid, false);
  for (int i = 0; i < concurrency; ++i) issue();
  void* tag = nullptr;
  bool ok = false;
  Clock::time_point last_completion = measure_from;
  while (in_flight > 0 && queue.Next(&tag, &ok)) {
    auto* call = static_cast<Call*>(tag);
    if (!call->Proceed(ok)) continue;
    --in_flight;
    auto now = Clock::now();
    if (call->start >= measure_from) {
      WorkloadResult& into =
          first_pass != nullptr && call->sequence < targets ? *first_pass : result;
      into.latencies_us.push_back(
          std::chrono::duration<double, std::micro>(now - call->start).count());
      ++measured;
      if (!call->status.ok()) {
        if (result.errors++ == 0) {
          result.first_error =
              std::to_string(call->status.error_code()) + " " + call->status.error_message();
        }
      } else if (call->truncated) {
        ++result.truncated;
        if (result.errors++ == 0) result.first_error = "answer truncated: " + call->truncation;
      } else if (call->answer >= 0 && !result.answers.count(call->target)) {
        result.answers[call->target] = call->answer;
        if (!call->detail.empty()) result.details[call->target] = std::move(call->detail);
      }
      last_completion = now;
    }
    delete call;
    if ((now >= end && (!options.cover_targets || measured >= targets)) ||
        (options.max_calls > 0 && measured + in_flight >= options.max_calls) ||
        (passes && issued >= total_calls))
      stopping = true;
    if (!stopping) issue();
  }
  result.seconds = std::chrono::duration<double>(last_completion - measure_from).count();
  if (passes) {
    // Both phases share the run's wall clock: each gets the time its own calls took.
    for (WorkloadResult* phase : {&result, first_pass}) {
      if (phase == nullptr) continue;
      double busy_us = 0;
      for (double latency : phase->latencies_us) busy_us += latency;
      phase->seconds = busy_us / 1e6 / concurrency;
    }
  }
  double cpu_end = ServerCpuMicros(options.server_pid, false);
  if (cpu_start >= 0 && cpu_end >= 0 && issued > 0) {
    result.server_cpu_us_per_call = (cpu_end - cpu_start) / static_cast<double>(issued);
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return result;
}

int64_t ResidentKilobytes(int pid) {
  if (pid <= 0) return -1;
  FILE* file = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (file == nullptr) return -1;
  char line[256];
  int64_t kb = -1;
  while (std::fgets(line, sizeof(line), file) != nullptr) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) kb = std::atoll(line + 6);
  }
  std::fclose(file);
  return kb;
}

// Open loop at a fixed rate: reads (get_entity) and writes (CreateClaim) mixed; one line of
// latency percentiles and server RSS per window, so growth over time is visible.
int RunSoak(Workloads& workloads, const CallFactory& reads, size_t targets,
            const Options& options) {
  grpc::CompletionQueue queue;
  constexpr int kMaxInFlight = 512;
  std::atomic<int> in_flight{0};
  std::atomic<bool> done{false};
  std::mutex mutex;
  WorkloadResult window_reads, window_writes;
  uint64_t dropped = 0;
  FILE* timeline = options.timeline.empty() ? stdout : std::fopen(options.timeline.c_str(), "w");
  if (timeline == nullptr) return 1;
  auto begin = Clock::now();

  std::thread poller([&]() {
    void* tag = nullptr;
    bool ok = false;
    while (queue.Next(&tag, &ok)) {
      auto* call = static_cast<Call*>(tag);
      if (!call->Proceed(ok)) continue;
      double latency = MicrosSince(call->start);
      {
        std::lock_guard lock(mutex);
        auto& window = call->write ? window_writes : window_reads;
        window.latencies_us.push_back(latency);
        if (!call->status.ok() && window.errors++ == 0)
          window.first_error = call->status.error_message();
      }
      delete call;
      --in_flight;
    }
  });

  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> uniform(0, 1);
  auto window_start = begin;
  uint64_t sequence = 0;
  auto total = std::chrono::duration<double>(options.duration_s);
  auto flush_window = [&](Clock::time_point now) {
    std::lock_guard lock(mutex);
    double t = std::chrono::duration<double>(now - begin).count();
    double seconds = std::chrono::duration<double>(now - window_start).count();
    std::fprintf(
        timeline,
        "{\"t_s\":%.1f,\"reads\":%zu,\"writes\":%zu,\"read_qps\":%.1f,\"write_qps\":%.1f,"
        "\"read_p50_us\":%.1f,\"read_p99_us\":%.1f,\"write_p50_us\":%.1f,"
        "\"write_p99_us\":%.1f,\"errors\":%llu,\"dropped\":%llu,\"rss_kb\":%lld,"
        "\"first_error\":\"%s\"}\n",
        t, window_reads.latencies_us.size(), window_writes.latencies_us.size(),
        window_reads.latencies_us.size() / seconds, window_writes.latencies_us.size() / seconds,
        window_reads.Percentile(0.5), window_reads.Percentile(0.99), window_writes.Percentile(0.5),
        window_writes.Percentile(0.99),
        static_cast<unsigned long long>(window_reads.errors + window_writes.errors),
        static_cast<unsigned long long>(dropped),
        static_cast<long long>(ResidentKilobytes(options.server_pid)),
        WorkloadResult::Escape(window_reads.first_error + window_writes.first_error).c_str());
    std::fflush(timeline);
    window_reads = WorkloadResult();
    window_writes = WorkloadResult();
    dropped = 0;
    window_start = now;
  };
  flush_window(Clock::now());  // t=0: the RSS at the start
  while (Clock::now() - begin < total) {
    auto due = begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                           static_cast<double>(sequence) / options.rate));
    std::this_thread::sleep_until(due);
    auto now = Clock::now();
    if (now - window_start >= std::chrono::duration<double>(options.window_s)) flush_window(now);
    if (in_flight.load() >= kMaxInFlight) {
      std::lock_guard lock(mutex);
      ++dropped;
    } else {
      ++in_flight;
      if (uniform(random) < options.write_fraction) {
        workloads.StartWrite(sequence, &queue);
      } else {
        reads(sequence % targets, &queue);
      }
    }
    ++sequence;
  }
  while (in_flight.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // The last window only when it is not a sliver (the drain after the final send).
  if (Clock::now() - window_start >= std::chrono::duration<double>(options.window_s / 2)) {
    flush_window(Clock::now());
  }
  done = true;
  queue.Shutdown();
  poller.join();
  if (timeline != stdout) std::fclose(timeline);
  return 0;
}

int Main(int argc, char** argv) {
  Options options;
  CLI::App app{
      "load_generator: closed-loop (or, with --soak, fixed-rate) gRPC load against a loopback "
      "claimgraphd",
      "load_generator"};
  app.add_option("--target", options.target, "the server, 127.0.0.1:PORT")->capture_default_str();
  app.add_option("--workload", options.workload, "the workload to run");
  app.add_option("--concurrency", options.concurrency,
                 "calls in flight, one run per value (1,8,32)")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--targets", options.targets_path, "FILE of request targets, one per line");
  app.add_option("--duration-s", options.duration_s, "seconds measured per run")
      ->capture_default_str();
  app.add_option("--warmup-s", options.warmup_s, "seconds before measuring")->capture_default_str();
  app.add_option("--max-calls", options.max_calls, "stop a run after N calls (0: no bound)")
      ->capture_default_str();
  app.add_option("--out", options.out, "FILE for the results (JSON lines)");
  app.add_flag("--cover-targets", options.cover_targets,
               "go past the duration until every target was measured once");
  app.add_option("--passes", options.passes,
                 "instead of a timed run: every target N times in order (first pass: cold)");
  app.add_option("--system", options.system,
                 "label of the results' system (default: claimgraph; grpc-noop for noop)");
  app.add_option("--answers", options.answers_out,
                 "FILE for the canonical answers of trace and corroborate (JSON lines)");
  app.add_flag("--soak", options.soak, "fixed-rate mixed reads and writes");
  app.add_flag("--hot-statements", options.hot_statements,
               "soak writes add claims to the targets' statements");
  app.add_option("--rate", options.rate, "soak: calls per second")->capture_default_str();
  app.add_option("--write-fraction", options.write_fraction, "soak: share of writes")
      ->capture_default_str();
  app.add_option("--window-s", options.window_s, "soak: seconds per timeline window")
      ->capture_default_str();
  app.add_option("--write-targets", options.write_targets_path,
                 "soak: FILE of statements to write to");
  app.add_option("--server-pid", options.server_pid,
                 "soak: the server's pid, for its memory and CPU");
  app.add_option("--timeline", options.timeline, "soak: FILE for the timeline");
  app.add_option("--max-results", options.max_results, "traversal limit")->capture_default_str();
  app.add_option("--max-fanout", options.max_fanout, "traversal limit")->capture_default_str();
  app.add_option("--max-edges-scanned", options.max_edges_scanned, "traversal limit")
      ->capture_default_str();
  app.add_option("--page-size", options.page_size, "Neighbors page size (hop1)")
      ->capture_default_str();
  if (auto status = ParseCommandLine(app, argc, argv)) return *status;
  if (options.target.rfind("127.0.0.1:", 0) != 0 && options.target.rfind("localhost:", 0) != 0) {
    std::fprintf(stderr, "load_generator: loopback targets only (127.0.0.1:PORT)\n");
    return 2;
  }
  std::vector<std::string> targets = {""};
  if (!options.targets_path.empty()) targets = ReadLines(options.targets_path);
  if (targets.empty()) {
    std::fprintf(stderr, "load_generator: no targets in %s\n", options.targets_path.c_str());
    return 2;
  }
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(64 << 20);
  auto channel =
      grpc::CreateCustomChannel(options.target, grpc::InsecureChannelCredentials(), arguments);
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
    std::fprintf(stderr, "load_generator: cannot connect to %s\n", options.target.c_str());
    return 1;
  }
  Workloads workloads(channel, targets, options);
  std::string error;
  std::string workload = options.soak ? "get_entity" : options.workload;
  CallFactory factory = workloads.Factory(workload, &error);
  if (!factory) {
    std::fprintf(stderr, "load_generator: %s\n", error.c_str());
    return 3;
  }
  if (options.soak) {
    if (!workloads.PrepareWrites(ReadLines(options.write_targets_path), options.hot_statements,
                                 &error)) {
      std::fprintf(stderr, "load_generator: soak writes: %s\n", error.c_str());
      return 1;
    }
    return RunSoak(workloads, factory, workloads.target_count(), options);
  }
  for (int concurrency : options.concurrency) {
    WorkloadResult cold;
    WorkloadResult result = RunClosedLoop(factory, workloads.target_count(), concurrency, options,
                                          options.passes > 0 ? &cold : nullptr);
    result.system = !options.system.empty() ? options.system
                    : workload == "noop"    ? "grpc-noop"
                                            : "claimgraph";
    result.workload = workload;
    if (options.passes > 0) {
      cold.system = result.system;
      cold.workload = workload;
      cold.concurrency = concurrency;
      cold.phase = "cold";
      cold.Write(options.out);
      result.phase = "warm";
    }
    result.Write(options.out);
    result.WriteAnswers(options.answers_out);
  }
  return 0;
}

}  // namespace
}  // namespace claimgraph::bench

int main(int argc, char** argv) { return claimgraph::bench::Main(argc, argv); }
