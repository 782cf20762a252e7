// claimgraph: the command-line client of claimgraphd.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  claimgraph::cli::CommandTable table;
  claimgraph::cli::RegisterCoreCommands(table);
  claimgraph::cli::RegisterBackupCommands(table);
  claimgraph::cli::RegisterTraversalCommands(table);
  claimgraph::cli::RegisterExchangeCommands(table);
  claimgraph::cli::RegisterProvenanceCommands(table);
  return claimgraph::cli::RunCommandLine(table, std::vector<std::string>(argv + 1, argv + argc),
                                         std::cout, std::cerr);
}
