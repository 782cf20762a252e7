// The pieces every claimgraph drawing shares: DOT string quoting, label wrapping, the stance
// colours and the proposition of a statement in words.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "claimgraph/v1/model.pb.h"

namespace claimgraph::drawing {

// Stance colours (border/line, and a light fill for claim nodes), chosen to stay apart for
// red-green colour blindness by lightness as well as hue.
inline constexpr std::string_view kSupportsColour = "#1a7f37";
inline constexpr std::string_view kSupportsFill = "#dafbe1";
inline constexpr std::string_view kRefutesColour = "#cf222e";
inline constexpr std::string_view kRefutesFill = "#ffebe9";
inline constexpr std::string_view kDisputedColour = "#bc4c00";
inline constexpr std::string_view kNeutralColour = "#57606a";
inline constexpr std::string_view kNeutralFill = "#f6f8fa";
inline constexpr std::string_view kFlagColour = "#8250df";

// A DOT double-quoted string: quotes and backslashes escaped, "\n" kept as a centred line break.
std::string DotQuote(std::string_view text);

// Breaks `text` into lines of at most `width` characters at spaces (a longer word stays whole),
// joined by "\n"; existing line breaks are kept. Counts bytes, so UTF-8 text wraps a little early.
std::string Wrap(std::string_view text, size_t width);

// A value as a reader sees it: an entity by its name (`name_of`, which may return ""), a string
// in quotes, a quantity with its unit, a time by its date.
std::string ValueText(const v1::Value& value,
                      const std::function<std::string(const std::string&)>& name_of);

// "Iran supplies drones to Russia [via: Caspian Sea]": subject, predicate with underscores as
// spaces, object, qualifiers in brackets.
std::string PropositionText(const v1::Statement& statement,
                            const std::function<std::string(const std::string&)>& name_of);

// "P=0.71": a confidence or projected probability with two decimals.
std::string ProbabilityText(double value);

}  // namespace claimgraph::drawing
