// The CLI's command line: CLI11 apps built from the command table (one subcommand per command,
// a group per first word), the global options, help, --version, and the run of the command.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.h"

namespace claimgraph::cli {
namespace {

constexpr const char* kCommandFooter =
    "Global options (--server, --json, --timeout, --token, --token-file, --tls-ca, --tls-cert,\n"
    "--tls-key) go anywhere on the line: see claimgraph --help.";

// A command's CLI11 subcommand and its options, in declaration order.
struct Bound {
  const Command* command = nullptr;
  CLI::App* app = nullptr;
  std::vector<CLI::Option*> positionals;
  std::vector<CLI::Option*> options;
};

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  std::istringstream in(path);
  for (std::string part; in >> part;) parts.push_back(part);
  return parts;
}

std::string Names(const Option& option) {
  return option.name.size() == 1 ? "-" + option.name + ",--" + option.name : "--" + option.name;
}

CLI::Option* AddOption(CLI::App* app, const Option& option) {
  CLI::Option* added = option.value.empty()
                           ? app->add_flag(Names(option))
                           : app->add_option(Names(option))->type_name(option.value);
  added->description(option.help);
  if (!option.value.empty() && option.repeated)
    added->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return added;
}

CLI::App* AddCommand(CLI::App& root, std::map<std::string, CLI::App*>& groups,
                     const Command& command) {
  auto parts = Split(command.path);
  CLI::App* parent = &root;
  std::string prefix;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    prefix += (prefix.empty() ? "" : " ") + parts[i];
    auto& group = groups[prefix];
    if (group == nullptr) {
      group = parent->add_subcommand(parts[i], parts[i] + " commands");
      group->require_subcommand(1);
      group->footer("'claimgraph " + prefix + " COMMAND --help' shows a command's options.");
    }
    parent = group;
  }
  CLI::App* app = parent->add_subcommand(parts.back(), command.help);
  app->footer(kCommandFooter);
  return app;
}

// The app the parser reached (the deepest subcommand given) and its path ("claimgraph claim").
std::pair<const CLI::App*, std::string> Reached(const CLI::App& root) {
  const CLI::App* app = &root;
  std::string parent_path;
  while (!app->get_subcommands().empty()) {
    parent_path += (parent_path.empty() ? "" : " ") + app->get_name();
    app = app->get_subcommands().front();
  }
  return {app, parent_path};
}

std::string HelpOf(const CLI::App& root, const CLI::App* app, const std::string& parent_path) {
  return app == &root ? root.help() : app->help(parent_path);
}

// `claimgraph help claim add`: the help of the command named by the words.
int PrintHelpTopic(const CLI::App& root, const std::vector<std::string>& topic, std::ostream& out,
                   std::ostream& err) {
  const CLI::App* app = &root;
  std::string parent_path;
  for (const auto& word : topic) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->get_name() == word) next = sub;
    }
    if (next == nullptr) {
      err << "claimgraph: no command '" << word << "'"
          << (app == &root ? "" : " under '" + app->get_name() + "'") << "\n\n"
          << HelpOf(root, app, parent_path);
      return kUsageError;
    }
    parent_path += (parent_path.empty() ? "" : " ") + app->get_name();
    app = next;
  }
  out << HelpOf(root, app, parent_path);
  return 0;
}

std::string Value(const CLI::Option* option) {
  return option->count() > 0 ? option->results().back() : "";
}

// The global options given, as client options.
client::ClientOptions ClientOptionsFrom(const std::map<std::string, CLI::Option*>& global) {
  client::ClientOptions options;
  if (global.at("server")->count() > 0) options.target = Value(global.at("server"));
  if (global.at("timeout")->count() > 0) {
    double seconds = 0;
    try {
      size_t used = 0;
      seconds = std::stod(Value(global.at("timeout")), &used);
      if (used != Value(global.at("timeout")).size()) seconds = 0;
    } catch (const std::exception&) {
      seconds = 0;
    }
    if (!(seconds > 0))
      throw UsageError{"--timeout: '" + Value(global.at("timeout")) +
                       "' is not a positive number of seconds"};
    options.timeout = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  }
  options.token = Value(global.at("token"));
  if (global.at("token-file")->count() > 0) {
    std::ifstream in(Value(global.at("token-file")));
    if (!in || !std::getline(in, options.token))
      throw UsageError{"--token-file: cannot read " + Value(global.at("token-file"))};
  }
  options.tls_ca_file = Value(global.at("tls-ca"));
  options.tls_cert_file = Value(global.at("tls-cert"));
  options.tls_key_file = Value(global.at("tls-key"));
  return options;
}

}  // namespace

std::vector<Option> GlobalOptions() {
  return {{"server", "HOST:PORT", "the server (default 127.0.0.1:50051)"},
          {"timeout", "SECONDS",
           "deadline of each call (default 10; import and export: none unless given)"},
          {"json", "", "print answers as JSON (one object per line) instead of tables"},
          {"token", "TOKEN", "bearer token for a server that requires one"},
          {"token-file", "FILE", "read the bearer token from the first line of FILE"},
          {"tls-ca", "FILE", "connect with TLS, trusting the CA in FILE (PEM)"},
          {"tls-cert", "FILE", "client certificate for mutual TLS (PEM)"},
          {"tls-key", "FILE", "client key for mutual TLS (PEM)"}};
}

int RunCommandLine(const CommandTable& table, const std::vector<std::string>& words,
                   std::ostream& out, std::ostream& err) {
  CLI::App root{"claimgraph: the command-line client of claimgraphd (docs/cli.md).", "claimgraph"};
  root.get_formatter()->label("Usage", "usage");
  root.get_formatter()->column_width(32);
  // An option a subcommand does not know goes to its parents: global options go anywhere.
  root.fallthrough();
  root.require_subcommand(1);
  root.set_version_flag("--version", "claimgraph " CLAIMGRAPH_VERSION);
  std::map<std::string, CLI::Option*> global;
  for (const auto& option : GlobalOptions()) global[option.name] = AddOption(&root, option);

  std::map<std::string, CLI::App*> groups;
  std::vector<Bound> bound;
  for (const auto& command : table.commands()) {
    Bound entry{&command, AddCommand(root, groups, command), {}, {}};
    for (const auto& positional : command.positionals) {
      CLI::Option* added = entry.app->add_option(positional.name)->description(positional.help);
      if (positional.repeated)
        added->expected(positional.required ? 1 : 0, CLI::detail::expected_max_vector_size);
      if (positional.required) added->required();
      entry.positionals.push_back(added);
    }
    for (const auto& option : command.options)
      entry.options.push_back(AddOption(entry.app, option));
    bound.push_back(std::move(entry));
  }
  std::vector<std::string> topic;
  CLI::App* help =
      root.add_subcommand("help", "show the help of a command: claimgraph help claim add");
  help->add_option("COMMAND", topic, "a command or group")
      ->expected(0, CLI::detail::expected_max_vector_size);
  CLI::App* completion =
      root.add_subcommand("completion", "print a bash completion script (docs/cli.md)");
  std::string shell;
  completion->add_option("SHELL", shell, "bash")->required()->check(CLI::IsMember({"bash"}));
  root.footer(
      "'claimgraph help COMMAND' or 'claimgraph COMMAND --help' shows a command's options.\n"
      "Exit status: 0 done, 64 usage error, 65 import records not stored, 130 interrupted, else "
      "the\n"
      "gRPC status code of the failed call (5 NOT_FOUND, 14 UNAVAILABLE, ...).");

  // CLI11 parses a reversed vector (it pops from the back).
  std::vector<std::string> reversed(words.rbegin(), words.rend());
  try {
    root.parse(reversed);
  } catch (const CLI::CallForVersion& version) {
    out << version.what() << "\n";
    return 0;
  } catch (const CLI::Success&) {
    auto [app, parent_path] = Reached(root);
    out << HelpOf(root, app, parent_path);
    return 0;
  } catch (const CLI::ParseError& error) {
    auto [app, parent_path] = Reached(root);
    err << "claimgraph: " << error.what() << "\n\n" << HelpOf(root, app, parent_path);
    return kUsageError;
  }
  if (help->parsed()) return PrintHelpTopic(root, topic, out, err);
  if (completion->parsed()) {
    out << BashCompletion(table);
    return 0;
  }
  const Bound* chosen = nullptr;
  for (const auto& entry : bound) {
    if (entry.app->parsed()) chosen = &entry;
  }
  if (chosen == nullptr) {
    err << root.help();
    return kUsageError;
  }
  std::string path = "claimgraph " + chosen->command->path;
  try {
    Arguments arguments;
    for (const auto& option : chosen->command->options) arguments.declared.insert(option.name);
    for (const CLI::Option* positional : chosen->positionals) {
      for (const auto& value : positional->results()) arguments.positional.push_back(value);
    }
    for (size_t i = 0; i < chosen->options.size(); ++i) {
      const Option& option = chosen->command->options[i];
      const CLI::Option* given = chosen->options[i];
      if (given->count() == 0) continue;
      if (option.value.empty()) {
        arguments.options.emplace(option.name, "true");
      } else {
        for (const auto& value : given->results()) arguments.options.emplace(option.name, value);
      }
    }
    client::ClaimGraphClient client(ClientOptionsFrom(global));
    if (!client.setup_error().empty()) throw UsageError{client.setup_error()};
    auto as_of = arguments.options.find("as-of");
    CliContext context{&client,
                       global.at("json")->count() > 0,
                       &out,
                       &err,
                       as_of == arguments.options.end() ? "" : as_of->second,
                       global.at("timeout")->count() > 0,
                       words};
    return chosen->command->run(context, arguments);
  } catch (const UsageError& error) {
    err << "claimgraph: " << error.message << "\n(see " << path << " --help)\n";
    return kUsageError;
  }
}

}  // namespace claimgraph::cli
