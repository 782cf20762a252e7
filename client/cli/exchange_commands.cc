// CLI commands for bulk data: import (streamed, with progress) and export (NDJSON or N-Quads).
#include <google/protobuf/util/json_util.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

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
  v1::ImportRequest request;
  request.mutable_options()->set_mode(arguments.Has("strict") ? v1::IMPORT_MODE_STRICT
                                                              : v1::IMPORT_MODE_LENIENT);
  request.mutable_options()->set_batch_size(
      static_cast<int32_t>(arguments.GetInt("batch-size", 0)));
  // --resume-from is a file line: the lines before it are not sent, and the server numbers the
  // rest from it.
  const int64_t resume_line = arguments.GetInt("resume-from", 1);
  if (resume_line < 1) throw UsageError{"--resume-from: a file line, from 1"};
  request.set_first_line(resume_line);

  // An import may run long: no deadline beyond the one given with --timeout, when given.
  auto context = StreamContext(cli);
  v1::ImportSummary summary;
  auto writer = cli.client->exchange().Import(context.get(), &summary);
  const bool terminal = isatty(STDERR_FILENO) != 0;
  auto started = std::chrono::steady_clock::now();
  auto last_report = started;
  uint64_t lines = 0, bytes = 0;
  auto report = [&](bool final) {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - started).count();
    double rate = seconds > 0 ? static_cast<double>(lines) / seconds : 0;
    // What was sent, not what was applied: the server's answer says that.
    std::string text = "sent " + std::to_string(lines) + " lines, " + Rate(rate) + " lines/s";
    if (total_bytes > 0) {
      double fraction = static_cast<double>(bytes) / static_cast<double>(total_bytes);
      text += ", " + Rate(fraction * 100) + "%";
      if (fraction > 0 && !final) text += ", ETA " + Rate(seconds / fraction - seconds) + " s";
    }
    if (terminal) {
      *cli.err << "\r" << text << "   " << (final ? "\n" : "") << std::flush;
    } else if (final || now - last_report >= std::chrono::seconds(5)) {
      *cli.err << text << "\n";
    }
    last_report = now;
  };
  std::string line;
  bool write_failed = false;
  for (int64_t skipped = 1; skipped < resume_line && std::getline(*input, line); ++skipped) {
    bytes += line.size() + 1;
  }
  interrupted.store(false);
  struct sigaction action = {};
  action.sa_handler = OnInterrupt;
  struct sigaction previous = {};
  sigaction(SIGINT, &action, &previous);
  while (!interrupted.load() && std::getline(*input, line)) {
    bytes += line.size() + 1;
    request.add_ndjson_lines(std::move(line));
    ++lines;
    if (request.ndjson_lines_size() >= kLinesPerMessage) {
      if (!writer->Write(request)) {
        write_failed = true;
        break;
      }
      request.clear_ndjson_lines();
      request.clear_options();
      if (terminal || std::chrono::steady_clock::now() - last_report >= std::chrono::seconds(5))
        report(false);
    }
  }
  const bool stopped_by_user = interrupted.load();
  if (!stopped_by_user) request.mutable_end()->set_records_sent(static_cast<int64_t>(lines));
  if (!write_failed && (!stopped_by_user || request.ndjson_lines_size() > 0))
    writer->Write(request);
  writer->WritesDone();
  auto status = writer->Finish();
  sigaction(SIGINT, &previous, nullptr);
  if (!status.ok()) {
    report(true);
    int code = ReportError(cli, status);
    if (int64_t resume = ResumeLine(status.error_message()); resume > 0) {
      *cli.err << (stopped_by_user ? "interrupted: " : "") << "every line before " << resume
               << " is stored; to finish, run:\n  claimgraph import " << path << " --resume-from "
               << resume << (arguments.Has("strict") ? " --strict" : "") << "\n";
    }
    return stopped_by_user ? 130 : code;
  }
  report(true);
  if (cli.json) {
    PrintJson(cli, summary);
  } else {
    auto row = [](const char* kind, const v1::ImportKindCounts& c) {
      return std::vector<std::string>{kind, std::to_string(c.created()),
                                      std::to_string(c.updated()), std::to_string(c.unchanged()),
                                      std::to_string(c.rejected())};
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
    if (summary.stopped()) {
      *cli.out << "stopped at line " << summary.stopped_at_line()
               << " (strict): every line before it is stored; fix it and rerun with --resume-from "
               << summary.stopped_at_line() << "\n";
    }
  }
  // EX_DATAERR when records were rejected, so scripts notice.
  return summary.rejected_total() > 0 ? 65 : 0;
}

int Export(CliContext& cli, const Arguments& arguments) {
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
    throw UsageError{"--format: ndjson, nquads or nquads-rdf12"};
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
       {{"FILE", "the NDJSON file, or - for stdin"}},
       {{"strict", "", "stop at the first bad line (the lines before it stay stored)"},
        {"lenient", "", "skip bad lines, report each, go on (the default)"},
        {"batch-size", "N", "lines per atomic batch on the server (default 1000)"},
        {"resume-from", "LINE", "start at this file line (the lines before it are not sent)"}},
       Import});
  table.Add({"export",
             "write everything, or a subgraph, as import records or RDF N-Quads to stdout",
             {},
             {{"subgraph", "ID[,ID...]", "only these entities and what they refer to", true},
              {"format", "ndjson|nquads|nquads-rdf12", "default ndjson (import records)"},
              AsOfOption()},
             Export});
}

}  // namespace claimgraph::cli
