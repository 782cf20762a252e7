// claimgraph: the command-line client of claimgraphd.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.h"

namespace {

using claimgraph::cli::Arguments;
using claimgraph::cli::Command;
using claimgraph::cli::CommandTable;

void PrintUsage(const CommandTable& table, std::ostream& out) {
  out << "usage: claimgraph [--server HOST:PORT] [--timeout SECONDS] [--json] [--token T | --token-file F]\n"
         "                  [--tls-ca F [--tls-cert F --tls-key F]] COMMAND ...\n\ncommands:\n";
  for (const auto& command : table.commands()) out << "  " << command.path << "  " << command.help << "\n";
  out << "\n'claimgraph COMMAND --help' shows a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  CommandTable table;
  claimgraph::cli::RegisterCoreCommands(table);
  claimgraph::cli::RegisterBackupCommands(table);
  claimgraph::cli::RegisterProvenanceCommands(table);

  std::vector<std::string> words(argv + 1, argv + argc);
  claimgraph::client::ClientOptions options;
  bool json = false;
  try {
    // Global options come before the command.
    size_t i = 0;
    auto value = [&](const std::string& name) {
      if (i + 1 >= words.size()) throw claimgraph::cli::UsageError{name + " needs a value"};
      return words[++i];
    };
    for (; i < words.size() && words[i].rfind("--", 0) == 0; ++i) {
      const auto& word = words[i];
      if (word == "--server") options.target = value(word);
      else if (word == "--timeout") {
        double seconds = 0;
        try { seconds = std::stod(value(word)); } catch (...) { throw claimgraph::cli::UsageError{"--timeout: not a number"}; }
        if (seconds <= 0) throw claimgraph::cli::UsageError{"--timeout: must be positive"};
        options.timeout = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
      } else if (word == "--json") json = true;
      else if (word == "--token") options.token = value(word);
      else if (word == "--token-file") {
        std::ifstream in(value(word));
        if (!in || !std::getline(in, options.token)) throw claimgraph::cli::UsageError{"--token-file: cannot read"};
      } else if (word == "--tls-ca") options.tls_ca_file = value(word);
      else if (word == "--tls-cert") options.tls_cert_file = value(word);
      else if (word == "--tls-key") options.tls_key_file = value(word);
      else if (word == "--help" || word == "-h") {
        PrintUsage(table, std::cout);
        return 0;
      } else throw claimgraph::cli::UsageError{"unknown option " + word};
    }
    // The longest command path matching the next words.
    const Command* command = nullptr;
    size_t used = 0;
    for (const auto& candidate : table.commands()) {
      std::vector<std::string> parts;
      std::istringstream path(candidate.path);
      for (std::string part; path >> part;) parts.push_back(part);
      if (parts.size() > used && i + parts.size() <= words.size() &&
          std::equal(parts.begin(), parts.end(), words.begin() + static_cast<long>(i))) {
        command = &candidate;
        used = parts.size();
      }
    }
    if (command == nullptr) {
      if (i < words.size()) std::cerr << "claimgraph: unknown command '" << words[i] << "'\n";
      PrintUsage(table, std::cerr);
      return claimgraph::cli::kUsageError;
    }
    Arguments arguments;
    for (size_t k = i + used; k < words.size(); ++k) {
      const auto& word = words[k];
      if (word == "--help") {
        std::cout << "usage: claimgraph " << command->path << " " << command->usage << "\n" << command->help << "\n";
        return 0;
      }
      if (word.rfind("--", 0) == 0 && word.size() > 2) {
        std::string name = word.substr(2);
        auto equals = name.find('=');
        if (equals != std::string::npos) {
          arguments.options.emplace(name.substr(0, equals), name.substr(equals + 1));
        } else if (std::find(command->switches.begin(), command->switches.end(), name) != command->switches.end()) {
          arguments.options.emplace(name, "true");
        } else {
          if (k + 1 >= words.size()) throw claimgraph::cli::UsageError{word + " needs a value"};
          arguments.options.emplace(name, words[++k]);
        }
      } else {
        arguments.positional.push_back(word);
      }
    }
    claimgraph::client::ClaimGraphClient client(options);
    if (!client.setup_error().empty()) throw claimgraph::cli::UsageError{client.setup_error()};
    claimgraph::cli::CliContext context{&client, json, &std::cout, &std::cerr};
    return command->run(context, arguments);
  } catch (const claimgraph::cli::UsageError& error) {
    std::cerr << "claimgraph: " << error.message << "\n";
    return claimgraph::cli::kUsageError;
  }
}
