// Folding text for matching: what makes `--region segou` find "Ségou" and
// `--owner école` find "École de Ségou".
//
// FoldForMatch lower-cases and strips the diacritics of Latin letters
// (Latin-1 Supplement and Latin Extended-A: é -> e, Œ -> oe, ß -> ss), and
// lower-cases Greek and Cyrillic. Other scripts (Arabic, Georgian, ...) have
// no case and pass through unchanged, as does anything that is not valid
// UTF-8. The projections store folded keys of place names and owners, and
// filters compare folded values, so matching is the same everywhere.
#ifndef PALABRE_CORE_TEXT_FOLD_H_
#define PALABRE_CORE_TEXT_FOLD_H_

#include <string>
#include <string_view>

namespace palabre {

std::string FoldForMatch(std::string_view text);

}  // namespace palabre

#endif  // PALABRE_CORE_TEXT_FOLD_H_
