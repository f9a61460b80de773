// Full-text search (SessionFilter::text over the contentless FTS5 index):
// accents and case are ignored, words match as prefixes, every text field
// of a session is searchable (title, place, agenda, concerns, agreements,
// commitments' actions and owners, notes, facilitators) in French, Arabic
// and Georgian, all words of a query must match, an edit updates the index,
// and a query made of FTS5 syntax characters never fails.
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/projection_schema.h"
#include "core/search_query.h"
#include "tests/core/records_fixture_util.h"

namespace palabre::testing {
namespace {

using nlohmann::json;

// Four sessions; names for the expectations.
struct SearchFixture {
  RecordsFixture f;
  std::map<std::string, std::string> name;  // id -> name
  std::map<std::string, std::string> id;    // name -> id
  json gao;

  SearchFixture() {
    gao = MinimalSession("Réunion sur la sécurité du marché de Gao",
                         "2026-03-14T09:30:00+00:00", "ML", "Gao", "Gao");
    gao["agenda"] = {"Patrouilles de la gendarmerie"};
    gao["concerns"] = {{{"category", "corruption"},
                        {"summary", "Racket des transporteurs au péage."}}};
    gao["agreements"] = {"Un comité de vigilance sera créé."};
    gao["notes"] = "Le préfet viendra lors de la prochaine séance.";
    gao["facilitators"] = {"facilitateur-07"};
    gao["commitments"] = {
        Commitment("Réparer l'éclairage public", "Mairie de Gao")};

    json sinjar =
        MinimalSession("حوار مجتمعي حول عودة النازحين",
                       "2026-02-02T10:00:00+03:00", "IQ", "Nineveh", "Sinjar");
    sinjar["concerns"] = {
        {{"category", "displacement"},
         {"summary", "الخوف من العودة بسبب غياب الخدمات في القرى."}}};
    sinjar["commitments"] = {
        Commitment("Open a women's desk", "Sinjar district police")};

    json gori = MinimalSession("სოფლის შეხვედრა უსაფრთხოებაზე",
                               "2026-01-20T11:00:00+04:00", "GE",
                               "Shida Kartli", "Gori");
    gori["commitments"] = {
        Commitment("გზის შეკეთება", "გორის მუნიციპალიტეტის მერია")};

    json niamey =
        MinimalSession("Dialogue sur le marché de Niamey",
                       "2026-01-05T09:00:00+01:00", "NE", "Niamey", "Niamey");

    const auto added = f.Add({gao, sinjar, gori, niamey});
    const char* names[] = {"gao", "sinjar", "gori", "niamey"};
    for (std::size_t i = 0; i < added.size(); ++i) {
      name[added[i].session] = names[i];
      id[names[i]] = added[i].session;
    }
  }

  std::vector<std::string> Found(const std::string& words) {
    std::vector<std::string> names;
    for (const std::string& found : f.Search(words)) {
      names.push_back(name.at(found));
    }
    return names;
  }
};

using Names = std::vector<std::string>;

TEST_CASE("search finds sessions by any word of any text field",
          "[records][search]") {
  SearchFixture s;
  struct Case {
    const char* query;
    Names expected;  // newest first
  };
  const std::vector<Case> cases = {
      // Accents and case.
      {"securite", {"gao"}},
      {"SECURITE", {"gao"}},
      {"sécurité", {"gao"}},
      {"SÉCURITÉ", {"gao"}},
      {"Sécu", {"gao"}},
      // Prefixes.
      {"gendarmerie", {"gao"}},
      {"gendarm", {"gao"}},
      {"GENDARM", {"gao"}},
      // Arabic and Georgian.
      {"النازحين", {"sinjar"}},
      {"عودة", {"sinjar"}},
      {"შეხვედრა", {"gori"}},
      {"უსაფრთხოება", {"gori"}},
      // Every field: agenda, concern, agreement, notes, facilitators,
      // commitments' actions and owners, place names.
      {"patrouilles", {"gao"}},
      {"peage", {"gao"}},
      {"الخدمات", {"sinjar"}},
      {"vigilance", {"gao"}},
      {"prefet", {"gao"}},
      {"facilitateur-07", {"gao"}},
      {"eclairage", {"gao"}},
      {"mairie", {"gao"}},
      {"district police", {"sinjar"}},
      {"women", {"sinjar"}},
      {"შეკეთება", {"gori"}},
      {"მერია", {"gori"}},
      {"Sinjar", {"sinjar"}},
      {"shida", {"gori"}},
      {"nineveh", {"sinjar"}},
      // Several words: all must match.
      {"marche", {"gao", "niamey"}},
      {"marche gendarmerie", {"gao"}},
      {"marche niamey", {"niamey"}},
      {"securite niamey", {}},
      {"  securite \t vigilance\n", {"gao"}},
      {"securite النازحين", {}},
      // Words the tokenizer splits (apostrophes, hyphens, punctuation):
      // each part must match, anywhere in the session.
      {"l'éclairage", {"gao"}},
      {"L’ECLAIRAGE", {"gao"}},
      {"facilitateur-07", {"gao"}},
      {"07-facilitateur", {"gao"}},
      {"women's", {"sinjar"}},
      {"(vigilance)", {"gao"}},
      {"\"prefet\"", {"gao"}},
      {"marché, Niamey!", {"niamey"}},
      {"-- ... ''", {}},
      // FTS5 query syntax is taken as plain words ("or", "near" and
      // "text" are in no session).
      {"securite OR niamey", {}},
      {"NEAR(securite gao)", {}},
      {"text:gao", {}},
      {"gao*", {"gao"}},
      {"^gao", {"gao"}},
      // No such word.
      {"xyzzy", {}},
      {"securitex", {}},
  };
  for (const Case& c : cases) {
    INFO("query '" << c.query << "'");
    CHECK(s.Found(c.query) == c.expected);
  }
}

TEST_CASE("search combines with the other filters", "[records][search]") {
  SearchFixture s;
  SessionFilter filter;
  filter.text = "marche";
  filter.country = "ne";
  auto found = s.f.store().ListSessions(filter);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK(found->front().id == s.id["niamey"]);
  filter.country.clear();
  filter.limit = 1;
  found = s.f.store().ListSessions(filter);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK(found->front().id == s.id["gao"]);

  // An edit takes words out of the index and puts the new ones in.
  json gao = s.gao;
  gao["title"] = "Réunion sur l'éclairage du marché de Gao";
  gao["concerns"] = json::array();
  gao["agreements"] = {"Une boulangerie communautaire sera ouverte."};
  gao["commitments"] = {
      Commitment("Installer des lampadaires solaires", "Mairie de Gao")};
  s.f.Edit(s.id["gao"], gao);
  struct Case {
    const char* query;
    Names expected;
  };
  const std::vector<Case> cases = {
      {"securite", {}},          // title changed
      {"peage", {}},             // concern removed
      {"vigilance", {}},         // agreement replaced
      {"lampadaires", {"gao"}},  // new commitment
      {"boulangerie", {"gao"}},  // new agreement
      {"eclairage", {"gao"}},    // now in the title
      {"reparer", {}},           // the old commitment was removed
      {"gendarmerie", {"gao"}},  // unchanged agenda
      {"marche", {"gao", "niamey"}},
  };
  for (const Case& c : cases) {
    INFO("after the edit, query '" << c.query << "'");
    CHECK(s.Found(c.query) == c.expected);
  }
  s.f.Verified();
}

TEST_CASE("queries made of FTS5 syntax never fail", "[records][search]") {
  SearchFixture s;
  const std::vector<std::string> queries = {
      "\"",
      "\"\"",
      "\"securite",
      "securite\"",
      "*",
      "**",
      "-",
      ":",
      "NEAR(",
      "NEAR(securite gendarmerie, 2)",
      "securite OR niamey",
      "securite AND",
      "NOT securite",
      "AND",
      "(",
      ")",
      "()",
      "^securite",
      "+",
      "text:securite",
      "sessions_fts:x",
      "{text}: securite",
      "'",
      "a*b",
      "\\",
      "%",
      "_",
      "securite -gendarmerie",
      "\xF0\x9F\x99\x82",
      "\"securite\" \"gendarmerie\"*",
      std::string(500, 'a'),
  };
  for (const std::string& query : queries) {
    INFO("query '" << query << "'");
    SessionFilter filter;
    filter.text = query;
    auto found = s.f.store().ListSessions(filter);
    INFO(found.status().ToString());
    CHECK(found.ok());
  }
  // Quotes are dropped, not an error: the word still finds.
  CHECK(s.Found("\"securite") == Names{"gao"});
  CHECK(s.Found("sécurité\"\"") == Names{"gao"});
}

TEST_CASE("search words are split by the index's own tokenizer",
          "[records][search]") {
  RecordsFixture f;
  // The arguments search_query.cc gives the tokenizer are the index's.
  CHECK(std::string(PALABRE_PROJECTION_DDL("main"))
            .find("tokenize='unicode61 remove_diacritics 2'") !=
        std::string::npos);
  struct Case {
    const char* text;
    std::vector<std::string> terms;
  };
  const std::vector<Case> cases = {
      {"Sécurité-civile", {"securite", "civile"}},
      {"L'ÉTAT, les autorités!", {"l", "etat", "les", "autorites"}},
      {"النازحين", {"النازحين"}},
      {"უსაფრთხოება", {"უსაფრთხოება"}},
      {"\"quoted\" NEAR(x)", {"quoted", "near", "x"}},
      {"  \t-- ... ", {}},
      {"", {}},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto terms = SearchTerms(f.db(), c.text);
    REQUIRE(terms.ok());
    CHECK(*terms == c.terms);
  }
  auto query = FtsMatchExpression(f.db(), "Sécurité-civile");
  REQUIRE(query.ok());
  CHECK(*query == "\"securite\"* \"civile\"*");
  // Hostile sizes: a long text is refused, not tokenized.
  auto too_long = SearchTerms(f.db(), std::string(kMaxSearchBytes + 1, 'a'));
  CHECK(too_long.status().code() == StatusCode::kInvalidArgument);
  auto longest = SearchTerms(f.db(), std::string(kMaxSearchBytes, 'a'));
  REQUIRE(longest.ok());
  CHECK(longest->size() == 1);
}

}  // namespace
}  // namespace palabre::testing
