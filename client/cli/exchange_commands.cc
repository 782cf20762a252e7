// CLI commands for bulk data: import (streamed, with progress) and export (NDJSON or N-Quads).
#include <google/protobuf/util/json_util.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "cli/cli.h"

namespace claimgraph::cli {
namespace {

// NDJSON lines per stream message: about 100 KB for typical records.
constexpr int kLinesPerMessage = 256;

// Set by Ctrl-C during an import: the CLI stops sending and ends the stream without its end
// marker, so that the server applies what it has and answers with the line to resume from.
std::atomic<bool> interrupted{false};
void OnInterrupt(int) { interrupted.store(true); }

// The line a server's "resume from line L" names, or 0.
int64_t ResumeLine(const std::string& message) {
  const std::string marker = "resume from line ";
  size_t at = message.rfind(marker);
  if (at == std::string::npos) return 0;
  return std::atoll(message.c_str() + at + marker.size());
}

std::string Rate(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.0f", value);
  return buffer;
}

int64_t Applied(const v1::ImportSummary& summary) {
  int64_t applied = 0;
  for (const auto* kind : {&summary.entities(), &summary.sources(), &summary.claims(),
                           &summary.assessments(), &summary.lifecycle_events()}) {
    applied += kind->created() + kind->updated() + kind->unchanged();
  }
  return applied;
}

// What the server has acknowledged of an ImportWithProgress stream, read on its own thread while
// the file is sent: the latest cumulative summary, every rejection (each is sent once), and the
// file bytes up to the acknowledged line, for a percentage and an ETA by bytes of the file.
class Acknowledgements {
 public:
  Acknowledgements(CliContext& cli, uint64_t total_bytes, uint64_t skipped_bytes)
      : cli_(cli),
        terminal_(isatty(STDERR_FILENO) != 0),
        total_bytes_(total_bytes),
        skipped_bytes_(skipped_bytes),
        started_(std::chrono::steady_clock::now()) {}

  // The sender: lines before `next_line` take the first `bytes` of the file.
  void Sent(int64_t next_line, uint64_t bytes) {
    std::lock_guard lock(mutex_);
    boundaries_.emplace_back(next_line, bytes);
  }

  void Read(grpc::ClientReaderWriter<v1::ImportWithProgressRequest, v1::ImportProgress>& stream) {
    v1::ImportProgress progress;
    while (stream.Read(&progress)) {
      std::lock_guard lock(mutex_);
      auto* rejections = progress.mutable_summary()->mutable_rejections();
      for (auto& rejection : *rejections) rejections_.push_back(std::move(rejection));
      rejections->Clear();
      summary_ = std::move(*progress.mutable_summary());
      done_ = progress.done();
      while (!boundaries_.empty() && boundaries_.front().first <= summary_.next_line()) {
        acknowledged_bytes_ = boundaries_.front().second;
        boundaries_.pop_front();
      }
      Report(false);
    }
  }

  // The summary so far (or the final one), with every rejection reported.
  v1::ImportSummary Summary() {
    std::lock_guard lock(mutex_);
    v1::ImportSummary summary = summary_;
    for (const auto& rejection : rejections_) *summary.add_rejections() = rejection;
    return summary;
  }
  bool done() {
    std::lock_guard lock(mutex_);
    return done_;
  }
  // Ends the progress line on a terminal.
  void Finish() {
    std::lock_guard lock(mutex_);
    Report(true);
  }

 private:
  // On a terminal only: applied and rejected as acknowledged, rate, percentage and ETA by bytes.
  void Report(bool final) {
    if (!terminal_) return;
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    int64_t applied = Applied(summary_);
    std::string text = std::to_string(applied) + " applied, " +
                       std::to_string(summary_.rejected_total()) + " rejected, " +
                       Rate(seconds > 0 ? static_cast<double>(applied) / seconds : 0) +
                       " records/s";
    if (total_bytes_ > skipped_bytes_) {
      double fraction =
          static_cast<double>(acknowledged_bytes_ - std::min(acknowledged_bytes_, skipped_bytes_)) /
          static_cast<double>(total_bytes_ - skipped_bytes_);
      text += ", " + Rate(fraction * 100) + "%";
      if (fraction > 0 && !done_) text += ", ETA " + Rate(seconds / fraction - seconds) + " s";
    }
    *cli_.err << "\r" << text << "   " << (final ? "\n" : "") << std::flush;
  }

  CliContext& cli_;
  const bool terminal_;
  const uint64_t total_bytes_, skipped_bytes_;
  const std::chrono::steady_clock::time_point started_;
  std::mutex mutex_;
  std::deque<std::pair<int64_t, uint64_t>> boundaries_;
  uint64_t acknowledged_bytes_ = 0;
  v1::ImportSummary summary_;
  std::vector<v1::ImportRejection> rejections_;
  bool done_ = false;
};

void PrintSummary(CliContext& cli, const v1::ImportSummary& summary) {
  auto row = [](const char* kind, const v1::ImportKindCounts& c) {
    return std::vector<std::string>{kind, std::to_string(c.created()), std::to_string(c.updated()),
                                    std::to_string(c.unchanged()), std::to_string(c.rejected())};
  };
  PrintTable(cli, {"KIND", "CREATED", "UPDATED", "UNCHANGED", "REJECTED"},
             {row("entities", summary.entities()), row("sources", summary.sources()),
              row("claims", summary.claims()), row("assessments", summary.assessments()),
              row("lifecycle_events", summary.lifecycle_events()),
              row("unreadable", summary.unreadable())});
  for (const auto& rejection : summary.rejections()) {
    *cli.out << "rejected line " << rejection.line() << ": " << rejection.code() << ": "
             << rejection.message() << "\n";
  }
}

// A ClaimReview feed goes whole in one call: feeds are small, and a JSON array cannot be cut at
// line boundaries. The server reads it (JSON document or NDJSON) and reports reviews by position.
int ImportClaimReview(CliContext& cli, const Arguments& arguments, std::istream& input) {
  v1::ImportClaimReviewRequest request;
  request.mutable_options()->set_mode(arguments.Has("strict") ? v1::IMPORT_MODE_STRICT
                                                              : v1::IMPORT_MODE_LENIENT);
  request.mutable_options()->set_batch_size(
      static_cast<int32_t>(arguments.GetInt("batch-size", 0)));
  std::stringstream feed;
  feed << input.rdbuf();
  request.set_feed(feed.str());
  v1::ImportSummary summary;
  auto status =
      cli.client->exchange().ImportClaimReview(cli.client->NewContext().get(), request, &summary);
  if (!status.ok()) return ReportError(cli, status);
  PrintSummary(cli, summary);
  return summary.rejected_total() > 0 || summary.stopped() ? 65 : 0;
}

int Import(CliContext& cli, const Arguments& arguments) {
  std::string path = arguments.Positional(0, "FILE (or - for stdin)");
  std::ifstream file;
  std::istream* input = &std::cin;
  uint64_t total_bytes = 0;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) throw UsageError{"cannot read " + path};
    input = &file;
    struct stat info;
    if (stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode))
      total_bytes = static_cast<uint64_t>(info.st_size);
  }
  if (arguments.Has("strict") && arguments.Has("lenient"))
    throw UsageError{"--strict and --lenient exclude each other"};
  std::string format = arguments.Get("format").value_or("ndjson");
  if (format == "claimreview") {
    if (arguments.Has("resume-from")) throw UsageError{"--resume-from: ndjson imports only"};
    return ImportClaimReview(cli, arguments, *input);
  }
  if (format != "ndjson") throw UsageError{"--format: ndjson or claimreview"};
  v1::ImportWithProgressRequest message;
  v1::ImportRequest& request = *message.mutable_request();
  request.mutable_options()->set_mode(arguments.Has("strict") ? v1::IMPORT_MODE_STRICT
                                                              : v1::IMPORT_MODE_LENIENT);
  request.mutable_options()->set_batch_size(
      static_cast<int32_t>(arguments.GetInt("batch-size", 0)));
  // --resume-from is a file line: the lines before it are not sent, and the server numbers the
  // rest from it.
  const int64_t resume_line = arguments.GetInt("resume-from", 1);
  if (resume_line < 1) throw UsageError{"--resume-from: a file line, from 1"};
  request.set_first_line(resume_line);
  std::string line;
  uint64_t bytes = 0;
  for (int64_t skipped = 1; skipped < resume_line && std::getline(*input, line); ++skipped) {
    bytes += line.size() + 1;
  }

  // An import may run long: no deadline beyond the one given with --timeout, when given.
  auto context = StreamContext(cli);
  auto stream = cli.client->exchange().ImportWithProgress(context.get());
  Acknowledgements acknowledgements(cli, total_bytes, bytes);
  std::thread reader([&] { acknowledgements.Read(*stream); });

  interrupted.store(false);
  struct sigaction action = {};
  action.sa_handler = OnInterrupt;
  struct sigaction previous = {};
  sigaction(SIGINT, &action, &previous);
  int64_t lines = 0;
  bool write_failed = false;
  auto send = [&]() {
    if (!stream->Write(message)) return false;
    acknowledgements.Sent(resume_line + lines, bytes);
    request.Clear();
    return true;
  };
  while (!interrupted.load() && std::getline(*input, line)) {
    bytes += line.size() + 1;
    request.add_ndjson_lines(std::move(line));
    ++lines;
    if (request.ndjson_lines_size() >= kLinesPerMessage && !send()) {
      write_failed = true;
      break;
    }
  }
  // Ctrl-C ends the stream with an end marker that says so: the server applies what it has and
  // answers CANCELLED with the line to resume from.
  const bool stopped_by_user = interrupted.load();
  request.mutable_end()->set_records_sent(lines);
  request.mutable_end()->set_interrupted(stopped_by_user);
  if (!write_failed) send();
  stream->WritesDone();
  reader.join();
  auto status = stream->Finish();
  sigaction(SIGINT, &previous, nullptr);
  acknowledgements.Finish();
  v1::ImportSummary summary = acknowledgements.Summary();

  if (!status.ok() || !acknowledgements.done()) {
    // The summary so far, then what went wrong and how to finish.
    if (cli.json) {
      PrintJson(cli, summary);
    } else {
      PrintSummary(cli, summary);
    }
    int code = status.ok() ? 1 : ReportError(cli, status);
    int64_t resume = ResumeLine(status.error_message());
    if (resume == 0 && summary.next_line() > 0) resume = summary.next_line();
    if (resume > 0) {
      *cli.err << (stopped_by_user ? "interrupted: " : "") << "every line before " << resume
               << " is stored; to finish, run:\n  claimgraph import " << path << " --resume-from "
               << resume << (arguments.Has("strict") ? " --strict" : "") << "\n";
    }
    return stopped_by_user ? 130 : code;
  }
  if (cli.json) {
    PrintJson(cli, summary);
  } else {
    PrintSummary(cli, summary);
    if (summary.stopped()) {
      *cli.out << "stopped at line " << summary.stopped_at_line()
               << " (strict): every line before it is stored; fix it and rerun with --resume-from "
               << summary.stopped_at_line() << "\n";
    }
  }
  // The server must have read every line sent; anything else is an error, never a quiet exit.
  if (!summary.stopped() && summary.lines_seen() != lines) {
    *cli.err << "error: the server read " << summary.lines_seen() << " of the " << lines
             << " lines sent\n";
    return 1;
  }
  // EX_DATAERR when a line was not stored, so scripts notice.
  return summary.rejected_total() > 0 || summary.stopped() ? 65 : 0;
}

// One ClaimReview JSON-LD document per line.
int ExportClaimReview(CliContext& cli, const Arguments& arguments) {
  v1::ExportClaimReviewRequest request;
  for (const auto& id : arguments.GetAll("statement")) request.add_statement_ids(id);
  SetAsOf(arguments, &request);
  v1::ExportClaimReviewResponse response;
  auto status =
      cli.client->exchange().ExportClaimReview(cli.client->NewContext().get(), request, &response);
  if (!status.ok()) return ReportError(cli, status);
  for (const auto& review : response.claim_reviews()) *cli.out << review << "\n";
  if (response.truncated()) {
    *cli.err << "warning: truncated at " << response.claim_reviews_size()
             << " reviews; ask for fewer statements (--statement)\n";
  }
  return 0;
}

int Export(CliContext& cli, const Arguments& arguments) {
  if (arguments.Get("format").value_or("") == "claimreview") {
    if (!arguments.GetAll("subgraph").empty()) throw UsageError{"--subgraph: not with claimreview"};
    return ExportClaimReview(cli, arguments);
  }
  if (!arguments.GetAll("statement").empty()) throw UsageError{"--statement: claimreview only"};
  v1::ExportRequest request;
  for (const auto& id : arguments.GetAll("subgraph")) {
    size_t start = 0;
    while (start <= id.size()) {
      size_t comma = id.find(',', start);
      if (comma == std::string::npos) comma = id.size();
      if (comma > start) request.add_subgraph_entity_ids(id.substr(start, comma - start));
      start = comma + 1;
    }
  }
  std::string format = arguments.Get("format").value_or("ndjson");
  if (format == "ndjson")
    request.set_format(v1::EXPORT_FORMAT_RECORDS);
  else if (format == "nquads")
    request.set_format(v1::EXPORT_FORMAT_NQUADS);
  else if (format == "nquads-rdf12")
    request.set_format(v1::EXPORT_FORMAT_NQUADS_RDF12);
  else
    throw UsageError{"--format: ndjson, nquads, nquads-rdf12 or claimreview"};
  SetAsOf(arguments, &request);
  auto context = StreamContext(cli);
  auto reader = cli.client->exchange().Export(context.get(), request);
  v1::ExportResponse message;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  while (reader->Read(&message)) {
    for (const auto& record : message.records()) {
      std::string json;
      auto converted = google::protobuf::util::MessageToJsonString(record, &json, options);
      if (!converted.ok()) {
        *cli.err << "error: " << converted.message() << "\n";
        return 1;
      }
      *cli.out << json << "\n";
    }
    *cli.out << message.nquads();
  }
  auto status = reader->Finish();
  if (!status.ok()) return ReportError(cli, status);
  return 0;
}

}  // namespace

void RegisterExchangeCommands(CommandTable& table) {
  table.Add(
      {"import",
       "stream an NDJSON file to the server: every line stored, or reported by its line (progress "
       "on a "
       "terminal's stderr; exit 65 when a line was not stored, 130 on Ctrl-C with the command to "
       "resume)",
       {{"FILE", "the NDJSON file (or ClaimReview feed), or - for stdin"}},
       {{"format", "ndjson|claimreview",
         "import records (default), or a schema.org ClaimReview feed: one JSON-LD document, an "
         "array, or NDJSON"},
        {"strict", "", "stop at the first bad line (the lines before it stay stored)"},
        {"lenient", "", "skip bad lines, report each, go on (the default)"},
        {"batch-size", "N", "lines per atomic batch on the server (default 1000)"},
        {"resume-from", "LINE", "start at this file line (the lines before it are not sent)"}},
       Import});
  table.Add({"export",
             "write everything, or a subgraph, as import records or RDF N-Quads to stdout; or "
             "assessments as schema.org ClaimReview",
             {},
             {{"subgraph", "ID[,ID...]", "only these entities and what they refer to", true},
              {"format", "ndjson|nquads|nquads-rdf12|claimreview",
               "default ndjson (import records); claimreview: one JSON-LD document a line"},
              {"statement", "ID", "claimreview: this statement's assessments (default: all)", true},
              AsOfOption()},
             Export});
}

}  // namespace claimgraph::cli
