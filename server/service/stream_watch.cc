// StreamWatch: the interceptor that counts a stream's messages, the admission count, and the
// thread that cancels idle and over-long streams.
#include "service/stream_watch.h"

#include <algorithm>

#include "engine/strings.h"
#include "service/log.h"

namespace claimgraph::service {
namespace {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

using Hook = grpc::experimental::InterceptionHookPoints;

}  // namespace

// One per streaming call: registers it, and marks activity on each message.
class StreamWatch::Interceptor final : public grpc::experimental::Interceptor {
 public:
  Interceptor(StreamWatch* watch, grpc::ServerContextBase* context)
      : watch_(watch), context_(context), entry_(std::make_shared<Entry>()) {
    entry_->last_activity_ns = NowNanos();
    watch_->Register(context_, entry_);
  }
  ~Interceptor() override { watch_->Unregister(context_); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    // No lock here: TryCancel, called by the watch thread under its lock, runs interceptors.
    if (methods->QueryInterceptionHookPoint(Hook::POST_RECV_MESSAGE) ||
        methods->QueryInterceptionHookPoint(Hook::PRE_SEND_MESSAGE)) {
      entry_->last_activity_ns = NowNanos();
      entry_->messages.fetch_add(1);
    }
    methods->Proceed();
  }

 private:
  StreamWatch* watch_;
  grpc::ServerContextBase* context_;
  std::shared_ptr<Entry> entry_;
};

class StreamWatch::Factory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(StreamWatch* watch) : watch_(watch) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // Unary calls are not intercepted at all (no cost on point reads).
    if (info->type() == grpc::experimental::ServerRpcInfo::Type::UNARY) return nullptr;
    return new Interceptor(watch_, info->server_context());
  }

 private:
  StreamWatch* watch_;
};

StreamWatch::StreamWatch(StreamLimits limits) : limits_(limits) {
  thread_ = std::thread([this] { Watch(); });
}

StreamWatch::~StreamWatch() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> StreamWatch::NewFactory() {
  return std::make_unique<Factory>(this);
}

void StreamWatch::Register(grpc::ServerContextBase* context, std::shared_ptr<Entry> entry) {
  std::lock_guard lock(mutex_);
  streams_[context] = std::move(entry);
}

void StreamWatch::Unregister(grpc::ServerContextBase* context) {
  std::lock_guard lock(mutex_);
  auto found = streams_.find(context);
  if (found == streams_.end()) return;
  if (found->second->admitted) --admitted_;
  streams_.erase(found);
}

absl::Status StreamWatch::Admit(grpc::ServerContextBase* context, bool* admitted) {
  *admitted = false;
  std::lock_guard lock(mutex_);
  auto found = streams_.find(context);
  if (found == streams_.end()) return absl::OkStatus();  // not a stream
  if (limits_.max_concurrent != 0 && admitted_ >= limits_.max_concurrent) {
    refused_.fetch_add(1);
    return absl::ResourceExhaustedError(StrCat("the server is serving its limit of ",
                                               limits_.max_concurrent,
                                               " streams (--max-concurrent-streams); retry later"));
  }
  found->second->admitted = true;
  found->second->last_activity_ns = NowNanos();
  ++admitted_;
  *admitted = true;
  return absl::OkStatus();
}

void StreamWatch::Leave(grpc::ServerContextBase* context) {
  std::lock_guard lock(mutex_);
  auto found = streams_.find(context);
  if (found == streams_.end() || !found->second->admitted) return;
  found->second->admitted = false;
  --admitted_;
}

size_t StreamWatch::open_streams() const {
  std::lock_guard lock(mutex_);
  return admitted_;
}

void StreamWatch::Watch() {
  // Checks a few times per timeout (and at least every second, for the message limit), so a
  // stream is cancelled within about 1.25 timeouts.
  const auto period = limits_.idle_timeout.count() > 0
                          ? std::clamp(limits_.idle_timeout / 4, std::chrono::milliseconds(50),
                                       std::chrono::milliseconds(1000))
                          : std::chrono::milliseconds(1000);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
    const int64_t now = NowNanos();
    const int64_t idle_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(limits_.idle_timeout).count();
    for (auto& [context, entry] : streams_) {
      if (!entry->admitted || entry->cancelled) continue;
      const bool idle = idle_ns > 0 && now - entry->last_activity_ns.load() > idle_ns;
      const bool too_long =
          limits_.max_messages != 0 && entry->messages.load() > limits_.max_messages;
      if (!idle && !too_long) continue;
      entry->cancelled = true;
      (idle ? cancelled_idle_ : cancelled_long_).fetch_add(1);
      Log(LogLevel::kWarn,
          idle ? "stream cancelled: idle (--stream-idle-timeout-ms)"
               : "stream cancelled: too many messages (--max-stream-messages)",
          {{"peer", context->peer()}});
      context->TryCancel();
    }
  }
}

}  // namespace claimgraph::service
