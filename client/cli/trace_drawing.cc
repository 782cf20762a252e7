// The trace drawing's title: the statement (of the claim) in words, entities by name.
#include "cli/trace_drawing.h"

#include <iostream>
#include <map>

#include "drawing/dot_text.h"
#include "drawing/trace_dot.h"

namespace claimgraph::cli {

void PrintTraceDot(CliContext& cli, const v1::Trace& trace, const std::string& claim_id,
                   const std::string& statement_id) {
  // The title is a courtesy: a failed lookup leaves it out rather than failing the drawing.
  v1::Statement statement;
  bool have_statement = false;
  if (!claim_id.empty()) {
    v1::GetClaimRequest request;
    request.set_id(claim_id);
    v1::Claim claim;
    have_statement =
        cli.client->claims().GetClaim(cli.client->NewContext().get(), request, &claim).ok();
    statement = claim.statement();
  } else {
    v1::GetStatementRequest request;
    request.set_id(statement_id);
    v1::GetStatementResponse response;
    have_statement =
        cli.client->claims().GetStatement(cli.client->NewContext().get(), request, &response).ok();
    statement = response.statement();
  }
  std::map<std::string, std::string> names;
  auto name_of = [&](const std::string& id) -> std::string {
    auto [at, inserted] = names.emplace(id, "");
    if (inserted) {
      v1::GetEntityRequest request;
      request.set_id(id);
      v1::Entity entity;
      if (cli.client->entities().GetEntity(cli.client->NewContext().get(), request, &entity).ok()) {
        at->second = entity.name();
      }
    }
    return at->second;
  };
  drawing::TraceDotOptions options;
  if (have_statement) options.title = drawing::PropositionText(statement, name_of);
  *cli.out << drawing::TraceDot(trace, options);
}

}  // namespace claimgraph::cli
