// The bash completion script, written from the command table so it lists exactly the commands
// and options the parser accepts.
#include <map>
#include <set>
#include <sstream>

#include "cli/cli.h"

namespace claimgraph::cli {
namespace {

std::string OptionWords(const std::vector<Option>& options) {
  std::string words;
  for (const auto& option : options) words += (words.empty() ? "--" : " --") + option.name;
  return words;
}

}  // namespace

std::string BashCompletion(const CommandTable& table) {
  // The words that may follow each command path ("" is the top level, "entity" a group).
  std::map<std::string, std::set<std::string>> next = {{"", {"help", "completion"}}};
  std::map<std::string, std::string> options;
  for (const auto& command : table.commands()) {
    std::istringstream in(command.path);
    std::string prefix;
    for (std::string word; in >> word;) {
      next[prefix].insert(word);
      prefix += (prefix.empty() ? "" : " ") + word;
    }
    options[command.path] = OptionWords(command.options);
  }
  std::string with_value;
  for (const auto& option : GlobalOptions()) {
    if (!option.value.empty()) with_value += (with_value.empty() ? "--" : "|--") + option.name;
  }
  std::ostringstream script;
  script << "# bash completion for claimgraph, written by `claimgraph completion bash`.\n"
            "# Load it with: source build/claimgraph-completion.bash\n"
            "_claimgraph() {\n"
            "  local cur=${COMP_WORDS[COMP_CWORD]} path='' word i skip=0\n"
            "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
            "    word=${COMP_WORDS[i]}\n"
            "    if ((skip)); then skip=0; continue; fi\n"
            "    case $word in\n"
            "      "
         << with_value
         << ") skip=1; continue ;;\n"
            "      -*) continue ;;\n"
            "    esac\n"
            "    case \"${path:+$path }$word\" in\n";
  for (const auto& [path, words] : next) {
    for (const auto& word : words) {
      std::string full = path.empty() ? word : path + " " + word;
      script << "      '" << full << "') path='" << full << "' ;;\n";
    }
  }
  script << "    esac\n"
            "  done\n"
            "  local words=''\n"
            "  case $path in\n";
  for (const auto& [path, words] : next) {
    std::string list;
    for (const auto& word : words) list += (list.empty() ? "" : " ") + word;
    script << "    '" << path << "') words='" << list << "' ;;\n";
  }
  for (const auto& [path, list] : options)
    script << "    '" << path << "') words='" << list << "' ;;\n";
  script << "  esac\n"
            "  if [[ $cur == -* ]]; then words=\"$words --help "
         << OptionWords(GlobalOptions())
         << "\"; [[ -z $path ]] && words=\"$words --version\"; fi\n"
            "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
            "  [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- \"$cur\"))\n"
            "  return 0\n"
            "}\n"
            "complete -F _claimgraph claimgraph cg\n";
  return script.str();
}

}  // namespace claimgraph::cli
