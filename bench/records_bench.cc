// records_bench: palabre's record operations on a vault of realistic size.
//
// Builds (or reuses) a vault of N dialogue sessions (default 100,000), each
// with about 3 commitments, generated deterministically from a fixed seed:
// titles of 60-90 characters, 2-5 agenda items, 1-4 concerns of 80-250
// characters, notes of 200-1500 characters, participation counts, in a mix
// of French, English, Arabic and Georgian, in Mali (Gao, Mopti,
// Tombouctou), Niger (Tillabéri, Niamey), Iraq (Nineveh, Kirkuk) and
// Georgia (Shida Kartli), dated 2019-01-01 to 2026-11-25 in the order they
// were lived, due dates past and future, and follow-ups on most past-due
// commitments (done, dropped, in progress, blocked). Sessions go in through
// RecordStore::AddSessions in batches (`--batch`, default 1000 per call) and
// follow-ups through the same RecordWrite path as RecordStore::AddFollowUp,
// one batch per transaction; the fill time is reported. Record ids are
// random, so two fills differ only in ids. Then it times, as the median of
// `--runs` runs (default 7):
//   1. adding one session (one AddSessions call, synchronous=FULL fsyncs);
//   2. `session list --region R` as it runs on a terminal: the first
//      page (ListSessions, limit 50) and the count of all (CountSessions);
//   3. `session list --text W`, the same, for a word in about 1% of the
//      sessions and for a common word;
//   4. `commitment list --overdue` (today 2026-11-26) as it runs on a
//      terminal: the first page (ListCommitments, limit 50) and the count;
//      then every row (`--all`, piped, `--json`), without a goal;
//   5. the report over everything (ComputeReport with an empty filter);
//   6. verify (VerifyRecords; no goal; `--verify-runs`, default 1, as one
//      run over 100,000 sessions takes about 20 minutes);
//   7. the vault's size on disk after locking (checkpointed) against the
//      same records as compact plaintext JSON (RecordStore::Export).
// Each run starts with an empty SQLite page cache (sqlite3_db_release_memory)
// as a fresh `palabre` process would, every page coming through the
// encrypting VFS (the OS page cache stays warm); the "warm" column repeats
// the run with the connection's 16 MiB cache kept, and the "CPU" column
// gives the thread's CPU time in the first runs (on a busy machine it is
// the steadier figure). The vault is unlocked at KdfLevel::kInteractive;
// the unlock itself is reported but not in a goal. The table is Markdown:
// measure, value, CPU, warm value, goal, met; then the space each table
// and index takes (dbstat).
//
// Run: `make bench` (after vfs_bench), or build the target records_bench
// with -DPALABRE_BUILD_BENCH=ON (the default) in a RelWithDebInfo build and
// run build/bench/records_bench.
// Options: `--sessions N`; `--vault DIR` keeps the vault in DIR and reuses
// it on the next run (filled up to N sessions if it holds fewer; each run
// adds 2 x `--runs` + 1 sessions through measure 1; a vault made before a
// change of the projection schema must be made again); `--keep` keeps the
// temporary vault (its path is printed; passphrase "records-bench
// passphrase"); `--plans` prints to stderr, for each query measure, the SQL
// statements it ran with their time and EXPLAIN QUERY PLAN; `--no-verify`
// skips 6. Default: a temporary vault under $TMPDIR (or /tmp), wiped at
// exit. A 100,000-session fill takes 5-10 minutes and about 1 GiB of disk.
//
// A developer tool, POSIX only. Exit status: 0 after printing the table
// (whatever the goals), 1 with a message on any error.
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/crypto.h"
#include "core/database.h"
#include "core/entry_log.h"
#include "core/kdf.h"
#include "core/record.h"
#include "core/record_store.h"
#include "core/record_write.h"
#include "core/report.h"
#include "core/vault.h"
#include "core/verify.h"
#include "platform/file_util.h"
#include "platform/status.h"

namespace palabre::bench {
namespace {

using nlohmann::json;

constexpr uint64_t kSeed = 0x7265636f72647321u;  // "records!"
constexpr char kPassphrase[] = "records-bench passphrase";
constexpr char kToday[] = "2026-11-26";
constexpr char kRareWord[] = "transhumance";  // in about 1% of the sessions
constexpr char kCommonWord[] = "police";
constexpr char kListRegion[] = "Gao";
constexpr char kSmallRegion[] = "Kirkuk";
// The first page of a list on a terminal (cli/list_paging.h, kDefaultPage).
constexpr int kPageSize = 50;
// Indexes of the sessions measure 1 adds, far from the fill's.
constexpr int64_t kSingleAddBase = 1'000'000'000;

constexpr const char* kUsage =
    "usage: records_bench [--sessions N] [--vault DIR] [--keep] [--runs N]\n"
    "                     [--batch N] [--dir DIR] [--plans] [--no-verify]\n"
    "                     [--verify-runs N] [--verbose]\n"
    "  --sessions N  sessions in the vault (default 100000)\n"
    "  --vault DIR   use (and keep) the vault in DIR, creating and filling it\n"
    "                if needed; reused as is if it holds N sessions or more\n"
    "  --keep        keep the temporary vault (its path is printed)\n"
    "  --runs N      runs per measure, the median is reported (default 7)\n"
    "  --batch N     sessions per AddSessions call while filling (default "
    "1000)\n"
    "  --dir DIR     where the temporary vault goes (default $TMPDIR or "
    "/tmp)\n"
    "  --plans       print each query measure's SQL, time and query plan\n"
    "  --no-verify   skip timing verify\n"
    "  --verify-runs N  runs of verify, the median is reported (default 1)\n"
    "  --verbose     print each run's time to stderr\n";

struct Options {
  int64_t sessions = 100000;
  std::string vault;  // "" = a temporary one
  bool keep = false;
  int runs = 7;
  int batch = 1000;
  std::string dir;
  bool plans = false;
  bool verify = true;
  int verify_runs = 1;
  bool verbose = false;
};

using Clock = std::chrono::steady_clock;

double MillisSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string WithCommas(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const std::size_t colon = line.find(':');
      if (colon != std::string::npos && colon + 2 <= line.size()) {
        return line.substr(colon + 2);
      }
    }
  }
  return "unknown CPU";
}

std::string LoadAverage() {
  double load[3] = {-1, -1, -1};
  if (getloadavg(load, 3) != 3) return "unknown";
  return Fixed(load[0], 2) + ", " + Fixed(load[1], 2) + ", " +
         Fixed(load[2], 2);
}

// Calendar ------------------------------------------------------------------

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// algorithm), and back.
int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string DateText(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

const int64_t kFirstDay = DaysFromCivil(2019, 1, 1);
const int64_t kLastDay = DaysFromCivil(2026, 11, 25);  // the day before today

// Text ------------------------------------------------------------------------

// The first `max_chars` code points of `text`, cut back to a word boundary
// when one is close, without trailing spaces or punctuation.
std::string TruncateChars(const std::string& text, std::size_t max_chars) {
  std::size_t chars = 0;
  std::size_t cut = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) {
      cut = i;
      break;
    }
    ++chars;
  }
  std::string out = text.substr(0, cut);
  if (cut < text.size()) {
    const std::size_t space = out.rfind(' ');
    if (space != std::string::npos && space > out.size() * 3 / 4) {
      out.resize(space);
    }
  }
  while (!out.empty() && std::strchr(" ,;:—-", out.back()) != nullptr) {
    out.pop_back();
  }
  // A cut inside "—" (3 bytes) leaves continuation bytes: drop them.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) &&
         !IsValidUtf8(out)) {
    out.pop_back();
  }
  return out;
}

enum Lang { kFr, kEn, kAr, kKa, kLangCount };

using Pool = std::vector<std::string_view>;
using LangPools = std::array<Pool, kLangCount>;

const LangPools kConcerns = {{
    {"Les contrôles au poste de sortie nord sont perçus comme arbitraires "
     "par les jeunes conducteurs de moto.",
     "Des hommes armés ont été signalés sur la route de l'axe principal à la "
     "tombée de la nuit.",
     "Les femmes hésitent à porter plainte pour violences conjugales faute "
     "d'un accueil adapté au commissariat.",
     "Un litige foncier oppose deux villages au sujet des champs proches du "
     "fleuve depuis la dernière crue.",
     "Les tensions entre éleveurs et agriculteurs reprennent à chaque saison "
     "sèche autour des points d'eau.",
     "Des paiements non officiels sont exigés aux postes de contrôle pour "
     "laisser passer les marchandises.",
     "Les justiciables doivent parcourir plus de cent kilomètres pour "
     "atteindre le tribunal le plus proche.",
     "Des personnes arrêtées lors des opérations de ratissage restent "
     "détenues sans que leurs familles soient informées.",
     "Les familles déplacées installées sur le site sans eau potable "
     "demandent des solutions avant la saison des pluies.",
     "Le chômage des jeunes les expose aux recruteurs des groupes armés et "
     "aux réseaux de contrebande.",
     "Des rumeurs diffusées sur les messageries accusent la police "
     "d'arrestations massives qui n'ont pas eu lieu.",
     "Les défenseurs des droits humains disent recevoir des menaces après "
     "chaque réunion publique.",
     "L'éclairage public ne fonctionne plus dans plusieurs quartiers, ce qui "
     "rend les déplacements nocturnes dangereux.",
     "Les patrouilles mixtes ne passent plus dans les hameaux éloignés "
     "depuis le début de l'année.",
     "La police et la gendarmerie se renvoient les plaintes, et personne ne "
     "donne suite aux signalements.",
     "Les enfants des familles déplacées n'ont pas d'acte de naissance et ne "
     "peuvent pas s'inscrire à l'école."},
    {"Young people report being stopped and searched at the checkpoint on "
     "the northern road without explanation.",
     "Armed men were seen on the road to the villages after dark, and "
     "drivers now avoid travelling in the evening.",
     "Women do not report domestic violence because the police station has "
     "no female officer and no private room.",
     "A land dispute between two villages over fields near the river has "
     "flared up again since the last flood.",
     "Herders and farmers clash around the water points at the start of "
     "every dry season.",
     "Traders say unofficial payments are demanded at checkpoints to let "
     "goods through to the market.",
     "People must travel more than a hundred kilometres to reach the nearest "
     "court, so most cases are never heard.",
     "Families do not know where relatives detained during the security "
     "operations are being held.",
     "Displaced families on the settlement site have no safe drinking water "
     "and fear the rainy season.",
     "Youth unemployment leaves young men exposed to recruitment by armed "
     "groups and smuggling networks.",
     "Messages shared on social media claim mass arrests by the police that "
     "never happened.",
     "Human rights defenders say they receive threats after each public "
     "meeting.",
     "Street lighting no longer works in several neighbourhoods, which makes "
     "moving around at night dangerous.",
     "Joint patrols have not reached the outlying hamlets since the start of "
     "the year.",
     "The police and the gendarmerie refer complaints to each other and "
     "nobody follows them up.",
     "Children of displaced families have no birth certificates and cannot "
     "enrol in school."},
    {"يشكو الشباب من التفتيش عند نقطة التفتيش الشمالية دون أي تفسير من "
     "عناصر الشرطة.",
     "شوهد مسلحون على طريق القرى بعد حلول الظلام، وأصبح السائقون يتجنبون "
     "السفر مساءً.",
     "لا تبلغ النساء عن العنف الأسري لأن مركز الشرطة لا يضم ضابطة ولا غرفة "
     "خاصة.",
     "عاد النزاع على الأراضي الزراعية بين قريتين بعد عودة العائلات النازحة.",
     "يُطلب دفع مبالغ غير رسمية عند نقاط التفتيش لتمرير البضائع إلى السوق.",
     "يضطر المواطنون إلى قطع مسافات طويلة للوصول إلى أقرب محكمة، فلا تُنظر "
     "معظم القضايا.",
     "لا تعرف العائلات أماكن احتجاز أقاربها الذين اعتُقلوا خلال العمليات "
     "الأمنية.",
     "انقطاع الماء والكهرباء في القرى الجنوبية يمنع العائلات النازحة من "
     "العودة.",
     "البطالة بين الشباب تجعلهم عرضة للتجنيد من قبل الجماعات المسلحة وشبكات "
     "التهريب.",
     "تنتشر على وسائل التواصل الاجتماعي شائعات عن اعتقالات جماعية لم تحدث.",
     "يتلقى المدافعون عن حقوق الإنسان تهديدات بعد كل اجتماع عام.",
     "لا يملك أطفال العائلات النازحة وثائق ثبوتية ولا يستطيعون التسجيل في "
     "المدارس."},
    {"მოსახლეობა შეშის შეგროვებისას და საქონლის ძოვებისას დაკავების რისკის "
     "ქვეშაა; ხაზი ადგილზე მონიშნული არ არის.",
     "ოჯახებს არ აქვთ ინფორმაცია, სად იმყოფებიან დაკავებულები და როდის "
     "გათავისუფლდებიან.",
     "ბაღების ნაწილი ხაზის მიღმა აღმოჩნდა; ოჯახები მოსავალს ვერ იღებენ.",
     "სოფლებში სარწყავი წყალი არ მიდის და ფერმერები ზარალს განიცდიან.",
     "ახალგაზრდები სამუშაოს ძიებაში სოფლებს ტოვებენ.",
     "სოციალურ ქსელებში გავრცელებული რუკები ხაზს სხვადასხვა ადგილას "
     "აჩვენებს."},
}};

const LangPools kAgenda = {{
    {"Suivi des engagements de la réunion précédente",
     "Patrouilles de nuit et éclairage public",
     "Relations entre la police et les jeunes",
     "Accès à la justice pour les femmes",
     "Gestion des points d'eau en saison sèche",
     "Sécurité sur les routes des marchés hebdomadaires",
     "Retour des familles déplacées",
     "Lutte contre les rumeurs sur les réseaux sociaux",
     "Procédure de plainte au commissariat",
     "Litiges fonciers entre villages voisins",
     "Emploi des jeunes et formation professionnelle",
     "Présentation des résultats de l'enquête de perception"},
    {"Follow-up on the commitments of the previous meeting",
     "Night patrols and street lighting",
     "Relations between the police and young people",
     "Access to justice for women", "Water points in the dry season",
     "Safety on the roads to the weekly markets",
     "Return of displaced families", "Countering rumours on social media",
     "How to file a complaint at the police station",
     "Land disputes between neighbouring villages",
     "Youth employment and vocational training",
     "Results of the perception survey"},
    {"متابعة التزامات الاجتماع السابق", "الدوريات الليلية وإنارة الشوارع",
     "العلاقة بين الشرطة والشباب", "وصول النساء إلى العدالة",
     "عودة العائلات النازحة", "مكافحة الشائعات على وسائل التواصل الاجتماعي",
     "إجراءات تقديم الشكاوى في مركز الشرطة", "النزاعات على الأراضي بين القرى",
     "تشغيل الشباب والتدريب المهني"},
    {"წინა შეხვედრის ვალდებულებების შესრულება",
     "დაკავების შემთხვევები გამყოფ ხაზთან", "ცხელი ხაზი და შეტყობინების წესი",
     "სარწყავი წყლის მიწოდება სოფლებში", "ახალგაზრდების დასაქმება"},
}};

const LangPools kActions = {{
    {"Publier les horaires et l'emplacement des postes de contrôle.",
     "Désigner un point focal jeunesse au sein du commissariat.",
     "Recenser les lampadaires hors service sur les axes principaux.",
     "Aménager un espace d'accueil confidentiel pour les victimes au "
     "commissariat.",
     "Organiser une audience foraine dans les communes rurales avant la fin "
     "du trimestre.",
     "Transmettre aux familles la liste des personnes détenues et le lieu de "
     "leur détention.",
     "Réhabiliter le forage du site de déplacés.",
     "Convoquer une médiation entre les deux villages sur le litige foncier.",
     "Afficher au commissariat la procédure de plainte et les tarifs "
     "officiels des amendes.",
     "Lancer un programme de formation professionnelle pour cinquante "
     "jeunes.",
     "Publier chaque mois un démenti des rumeurs vérifiées sur la radio "
     "communautaire.",
     "Reprendre les patrouilles mixtes dans les hameaux éloignés."},
    {"Publish the hours and locations of the checkpoints.",
     "Appoint a youth focal point at the police station.",
     "List the broken street lights on the main roads and repair them.",
     "Set up a private room for victims at the police station.",
     "Hold a mobile court session in the rural sub-districts before the end "
     "of the quarter.",
     "Give families the list of detained persons and where they are held.",
     "Repair the borehole of the displacement site.",
     "Convene a mediation between the two villages on the land dispute.",
     "Post the complaint procedure and the official fines at the police "
     "station.",
     "Start a vocational training programme for fifty young people.",
     "Broadcast a monthly correction of verified rumours on community radio.",
     "Resume joint patrols in the outlying hamlets."},
    {"نشر مواعيد ومواقع نقاط التفتيش.",
     "تعيين ضابط ارتباط للشباب في مركز الشرطة.",
     "تخصيص غرفة خاصة لاستقبال الضحايا في مركز الشرطة.",
     "تنظيم جلسة محكمة متنقلة في النواحي قبل نهاية الفصل.",
     "تزويد العائلات بقائمة المحتجزين وأماكن احتجازهم.",
     "إصلاح بئر الماء في مخيم النازحين.",
     "عقد جلسة وساطة بين القريتين بشأن النزاع على الأراضي.",
     "توفير نقل مدرسي لأطفال العائدين إلى المدرسة الثانوية في القضاء."},
    {"გამყოფი ხაზის მიმდებარე სოფლებში საინფორმაციო შეხვედრების ჩატარება.",
     "დაკავების შემთხვევების განხილვა ინციდენტების პრევენციის შეხვედრაზე.",
     "სარწყავი არხის გაწმენდა სოფლების ჩრდილოეთ ნაწილში."},
}};

const LangPools kAgreements = {{
    {"Une réunion mensuelle jeunes–police sera tenue au centre culturel.",
     "Le comité examinera d'abord les engagements de la réunion précédente.",
     "Les associations de jeunes désigneront trois porte-parole, dont une "
     "jeune femme."},
    {"Village representatives will collect cases using one shared form.",
     "The next meeting will review the commitments first.",
     "Women's groups will send the police liaison a written list of needs."},
    {"يُعقد اجتماع المتابعة الشهري في مبنى القائممقامية بحضور ضابط ارتباط "
     "الشرطة.",
     "تبدأ الجلسة القادمة بمراجعة الالتزامات السابقة."},
    {"მომდევნო შეხვედრა გაიმართება იმავე შემადგენლობით."},
}};

const LangPools kNotes = {{
    {"Aucun propos n'est attribué à une personne nommée.",
     "La séance s'est tenue en français et en langue locale, avec "
     "interprétation.",
     "Les représentants de la police ont participé en civil à la demande des "
     "jeunes.",
     "La réunion a commencé avec une heure de retard en raison d'un contrôle "
     "sur la route.",
     "Les participantes ont demandé qu'une prochaine séance se tienne en "
     "non-mixité.",
     "Le procès-verbal sera relu par le comité avant diffusion.",
     "Plusieurs participants ont quitté la salle avant la fin pour rejoindre "
     "le marché.",
     "Les engagements de la réunion précédente ont été relus point par point.",
     "Le facilitateur a rappelé la règle de Chatham House au début de la "
     "séance.",
     "Les chefs traditionnels ont insisté pour que la prochaine réunion ait "
     "lieu au village.",
     "Les échanges ont été vifs sur la question des postes de contrôle, puis "
     "apaisés.",
     "Le représentant de la mairie s'est excusé de son absence par écrit."},
    {"No statement is attributed to a named person.",
     "Interpretation was provided throughout the session.",
     "Police representatives attended in plain clothes at the request of "
     "the young people.",
     "The meeting started an hour late because of a checkpoint on the road.",
     "Women participants asked for a separate session next time.",
     "The minutes will be reviewed by the committee before they are shared.",
     "Several participants left early to reach the market before it closed.",
     "The commitments of the previous meeting were read out one by one.",
     "The facilitator announced the Chatham House rule at the start.",
     "Traditional leaders asked that the next meeting be held in the "
     "village.",
     "The discussion on checkpoints was heated at first, then calmer.",
     "The district representative sent written apologies for his absence."},
    {"طلب المشاركون عدم تسجيل أي أسماء.",
     "جرت الترجمة بين العربية والكردية طوال الجلسة.",
     "حضر ممثلو الشرطة بملابس مدنية بناءً على طلب الشباب.",
     "تمت قراءة التزامات الاجتماع السابق بندًا بندًا.",
     "طلبت المشاركات عقد جلسة منفصلة للنساء في المرة القادمة.",
     "ستتم مراجعة المحضر من قبل اللجنة قبل مشاركته."},
    {"შეხვედრა ჩატარდა ქართულ ენაზე, ოსურ და რუსულ ენებზე თარგმანით.",
     "ჩანაწერში არც ერთი დაკავებული, ნათესავი ან სოფელი არ არის "
     "დასახელებული.",
     "ჩეტემ ჰაუსის წესი შეხვედრის დასაწყისში გამოცხადდა."},
}};

// The rare search word's sentences: about 1% of the sessions get one.
const std::array<std::string_view, kLangCount> kRareNotes = {
    "Les couloirs de transhumance vers le sud ont été évoqués en fin de "
    "séance.",
    "The transhumance corridors to the south were raised at the end of the "
    "session.",
    "ذُكرت ممرات الترحال الموسمي (transhumance) في نهاية الجلسة.",
    "სეზონური გადასარეკი გზები (transhumance) შეხვედრის ბოლოს განიხილეს."};

const LangPools kThemes = {{
    {"suivi des engagements", "patrouilles de nuit et éclairage public",
     "relations entre police et jeunes", "accès à la justice pour les femmes",
     "sécurité sur les routes des marchés", "retour des familles déplacées",
     "rumeurs et désinformation", "litiges fonciers entre villages",
     "emploi des jeunes et confiance", "points d'eau et conflits saisonniers"},
    {"follow-up on commitments", "night patrols and street lighting",
     "police and young people", "access to justice for women",
     "safety on the market roads", "return of displaced families",
     "rumours and misinformation", "land disputes between villages",
     "youth employment and trust", "water points and seasonal conflict"},
    {"متابعة الالتزامات", "الدوريات الليلية وإنارة الشوارع",
     "العلاقة بين الشرطة والشباب", "وصول النساء إلى العدالة",
     "عودة العائلات النازحة", "الشائعات والمعلومات المضللة",
     "النزاعات على الأراضي"},
    {"ვალდებულებების შესრულება", "დაკავებები გამყოფ ხაზთან",
     "სარწყავი წყალი და მიწა", "ახალგაზრდები და ნდობა"},
}};

const Pool kFollowUpNotes = {
    "Mesure constatée lors de la visite de suivi.",
    "Le service concerné attend un budget.",
    "Confirmed at the follow-up meeting.",
    "Work has started but is not finished.",
    "The owner reports no staff available until next quarter.",
    "تم التأكد من التنفيذ خلال زيارة المتابعة."};

// Session kinds, with weights, and their label in each language.
struct KindInfo {
  std::string_view kind;
  int weight;
  std::array<std::string_view, kLangCount> label;
};
const KindInfo kKinds[] = {
    {"community_dialogue",
     40,
     {"Dialogue communautaire", "Community dialogue", "حوار مجتمعي",
      "სათემო დიალოგი"}},
    {"security_advisory_committee",
     25,
     {"Comité consultatif de sécurité", "Security advisory committee",
      "لجنة استشارية أمنية", "უსაფრთხოების საკონსულტაციო კომიტეტი"}},
    {"perception_survey",
     10,
     {"Enquête de perception", "Perception survey", "استطلاع آراء",
      "აღქმის კვლევა"}},
    {"hybrid_justice_hearing",
     10,
     {"Audience foraine", "Mobile justice hearing", "جلسة عدالة متنقلة",
      "მოძრავი სასამართლო სხდომა"}},
    {"training", 10, {"Formation", "Training", "تدريب", "ტრენინგი"}},
    {"other", 5, {"Réunion", "Meeting", "اجتماع", "შეხვედრა"}},
};

struct Commune {
  std::string_view name;   // as stored in place.commune
  std::string_view local;  // in Arabic or (genitive) Georgian, else = name
};

struct Region {
  std::string_view country;
  std::string_view region;
  std::string_view offset;  // UTC offset of the local clock
  int weight;
  std::vector<Commune> communes;
  std::array<int, kLangCount> lang_weights;
  std::vector<std::string_view> languages;  // BCP 47 tags used
  // Owner templates: "{c}" is the commune, "{l}" its local name, "{r}" the
  // region.
  std::vector<std::string_view> owners;
};

const std::vector<std::string_view> kSahelOwners = {
    "Mairie de la commune de {c}",
    "Commissariat de police de {c}",
    "Brigade territoriale de gendarmerie de {c}",
    "Gouvernorat de la région de {r}",
    "Direction régionale de l'éducation de {r}",
    "Direction régionale de la santé de {r}",
    "Tribunal de première instance de {c}",
    "Direction régionale de la promotion de la femme de {r}",
    "Conseil régional de la jeunesse de {r}",
    "Service local de l'hydraulique de {c}"};
const std::vector<std::string_view> kIraqOwners = {
    "{c} District Police",
    "مديرية شرطة {l}",
    "قائممقامية قضاء {l}",
    "{r} Governorate Council",
    "Directorate of Education of {r} — {c} branch",
    "{c} District Directorate of Electricity",
    "مديرية ماء {l}",
    "Iraqi Red Crescent — {r} branch"};
const std::vector<std::string_view> kGeorgiaOwners = {
    "{l} მუნიციპალიტეტის მერია",
    "შინაგან საქმეთა სამინისტროს შიდა ქართლის პოლიციის დეპარტამენტი",
    "{c} Municipality City Hall", "Public Defender's Office — Shida Kartli",
    "Ministry of IDPs — Shida Kartli office"};

const std::vector<Region> kRegions = {
    {"ML",
     "Gao",
     "+00:00",
     16,
     {{"Gao", "Gao"},
      {"Ansongo", "Ansongo"},
      {"Bourem", "Bourem"},
      {"Soni Ali Ber", "Soni Ali Ber"}},
     {85, 15, 0, 0},
     {"fr", "son"},
     kSahelOwners},
    {"ML",
     "Mopti",
     "+00:00",
     14,
     {{"Mopti", "Mopti"},
      {"Sévaré", "Sévaré"},
      {"Djenné", "Djenné"},
      {"Bandiagara", "Bandiagara"},
      {"Douentza", "Douentza"}},
     {85, 15, 0, 0},
     {"fr", "ff", "bm"},
     kSahelOwners},
    {"ML",
     "Tombouctou",
     "+00:00",
     10,
     {{"Tombouctou", "Tombouctou"},
      {"Goundam", "Goundam"},
      {"Diré", "Diré"},
      {"Niafunké", "Niafunké"}},
     {85, 15, 0, 0},
     {"fr", "son", "tmh"},
     kSahelOwners},
    {"NE",
     "Tillabéri",
     "+01:00",
     14,
     {{"Tillabéri", "Tillabéri"},
      {"Ayorou", "Ayorou"},
      {"Téra", "Téra"},
      {"Filingué", "Filingué"},
      {"Ouallam", "Ouallam"}},
     {85, 15, 0, 0},
     {"fr", "dje", "ha"},
     kSahelOwners},
    {"NE",
     "Niamey",
     "+01:00",
     11,
     {{"Niamey I", "Niamey I"},
      {"Niamey II", "Niamey II"},
      {"Niamey III", "Niamey III"},
      {"Niamey IV", "Niamey IV"},
      {"Niamey V", "Niamey V"}},
     {85, 15, 0, 0},
     {"fr", "dje", "ha"},
     kSahelOwners},
    {"IQ",
     "Nineveh",
     "+03:00",
     15,
     {{"Sinjar", "سنجار"},
      {"Mosul", "الموصل"},
      {"Tel Afar", "تلعفر"},
      {"Bashiqa", "بعشيقة"}},
     {0, 45, 55, 0},
     {"ar", "ku", "en"},
     kIraqOwners},
    {"IQ",
     "Kirkuk",
     "+03:00",
     10,
     {{"Kirkuk", "كركوك"}, {"Hawija", "الحويجة"}, {"Daquq", "داقوق"}},
     {0, 45, 55, 0},
     {"ar", "ckb", "tr", "en"},
     kIraqOwners},
    {"GE",
     "Shida Kartli",
     "+04:00",
     10,
     {{"Gori", "გორის"},
      {"Kareli", "ქარელის"},
      {"Khashuri", "ხაშურის"},
      {"Kaspi", "კასპის"}},
     {0, 55, 0, 45},
     {"ka", "os", "ru", "en"},
     kGeorgiaOwners},
};

// Every stakeholder group but "other" (the last), and every concern
// category, from core's vocabularies.
const std::vector<std::string_view> kGroups(StakeholderGroups().begin(),
                                            StakeholderGroups().end() - 1);
const std::vector<std::string_view> kCategories(ConcernCategories().begin(),
                                                ConcernCategories().end());

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  int64_t Int(int64_t lo, int64_t hi) {  // inclusive
    return std::uniform_int_distribution<int64_t>(lo, hi)(engine_);
  }
  bool Chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(engine_) < p;
  }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(
        Int(0, static_cast<int64_t>(v.size()) - 1))];
  }
  // An index drawn with the given weights.
  template <typename Weights>
  std::size_t Weighted(const Weights& weights) {
    int64_t total = 0;
    for (int w : weights) total += w;
    int64_t r = Int(0, total - 1);
    for (std::size_t i = 0; i < std::size(weights); ++i) {
      if (r < weights[i]) return i;
      r -= weights[i];
    }
    return 0;
  }

 private:
  std::mt19937_64 engine_;
};

std::string Substitute(std::string_view templ, const Region& region,
                       const Commune& commune) {
  std::string out;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] == '{' && i + 2 < templ.size() && templ[i + 2] == '}') {
      const char key = templ[i + 1];
      out += key == 'c'   ? commune.name
             : key == 'l' ? commune.local
                          : region.region;
      i += 2;
    } else {
      out += templ[i];
    }
  }
  return out;
}

// Sentences from `pools` (each in a language drawn from `langs`) joined by
// spaces up to a length drawn in [min_chars, max_chars] code points.
std::string Compose(Rng& rng, const LangPools& pools,
                    const std::array<int, kLangCount>& langs,
                    std::size_t min_chars, std::size_t max_chars,
                    std::string_view insert = {}) {
  const std::size_t target = static_cast<std::size_t>(rng.Int(
      static_cast<int64_t>(min_chars), static_cast<int64_t>(max_chars)));
  std::string out;
  if (!insert.empty()) out = insert;
  while (Utf8Length(out) < target) {
    const Pool& pool = pools[rng.Weighted(langs)];
    if (!out.empty()) out += ' ';
    out += rng.Pick(pool);
  }
  return TruncateChars(out, max_chars);
}

struct PlannedFollowUp {
  int commitment = 0;  // index in the session's commitments
  FollowUpInput follow_up;
};

struct GeneratedSession {
  SessionInput input;
  std::vector<PlannedFollowUp> follow_ups;
  bool rare_word = false;
};

// Session number `index` of `total` (the same for the same index, total and
// seed). `index` >= total gives sessions dated in the last week.
StatusOr<GeneratedSession> MakeSession(int64_t index, int64_t total) {
  Rng rng(kSeed ^ (static_cast<uint64_t>(index) * 0x9e3779b97f4a7c15u));
  std::array<int, std::size(kKinds)> kind_weights{};
  for (std::size_t i = 0; i < std::size(kKinds); ++i) {
    kind_weights[i] = kKinds[i].weight;
  }
  std::vector<int> region_weights;
  for (const Region& r : kRegions) region_weights.push_back(r.weight);
  const KindInfo& kind = kKinds[rng.Weighted(kind_weights)];
  const Region& region = kRegions[rng.Weighted(region_weights)];
  const Commune& commune = rng.Pick(region.communes);
  const auto& langs = region.lang_weights;

  // Date: in the order lived, spread over 2019-01-01 .. 2026-11-25.
  const int64_t span = kLastDay - kFirstDay;
  int64_t day = index < total
                    ? kFirstDay + (2 * index + 1) * span /
                                      (2 * std::max<int64_t>(total, 1))
                    : kLastDay - rng.Int(0, 6);
  day = std::clamp(day + rng.Int(-2, 2), kFirstDay, kLastDay);
  const std::string date = DateText(day);
  const int hour = static_cast<int>(rng.Int(8, 15));
  const int minute = rng.Chance(0.5) ? 0 : 30;
  const int hours = static_cast<int>(rng.Int(2, 4));
  char started[40];
  char ended[40];
  std::snprintf(started, sizeof started, "%sT%02d:%02d:00%.*s", date.c_str(),
                hour, minute, static_cast<int>(region.offset.size()),
                region.offset.data());
  std::snprintf(ended, sizeof ended, "%sT%02d:%02d:00%.*s", date.c_str(),
                hour + hours, minute, static_cast<int>(region.offset.size()),
                region.offset.data());

  // Title, 60 to 90 characters.
  const Lang title_lang = static_cast<Lang>(rng.Weighted(langs));
  std::string title =
      std::string(kind.label[title_lang]) + " — " +
      std::string(title_lang == kAr ? commune.local : commune.name) + " : " +
      std::string(rng.Pick(kThemes[title_lang]));
  if (Utf8Length(title) < 60) title += " — " + date.substr(0, 7);
  while (Utf8Length(title) < 60) {
    title += ", " + std::string(rng.Pick(kThemes[title_lang]));
  }
  title = TruncateChars(title, 90);

  json participants = json::object();
  {
    json by_group = json::object();
    const int groups = static_cast<int>(rng.Int(3, 7));
    int64_t total_people = 0;
    for (int g = 0; g < groups; ++g) {
      const int64_t n = rng.Int(1, 12);
      const std::string key(rng.Pick(kGroups));
      if (by_group.contains(key)) continue;
      by_group[key] = n;
      total_people += n;
    }
    const int64_t female = rng.Int(total_people / 5, total_people * 3 / 5);
    const int64_t young = rng.Int(total_people / 4, total_people * 3 / 4);
    participants["by_group"] = by_group;
    participants["by_sex"] = {{"female", female},
                              {"male", total_people - female}};
    json by_age = {{"18_35", young}, {"36_plus", total_people - young}};
    if (rng.Chance(0.2)) by_age["under_18"] = rng.Int(1, 4);
    participants["by_age"] = by_age;
  }

  json agenda = json::array();
  for (int i = static_cast<int>(rng.Int(2, 5)); i > 0; --i) {
    agenda.push_back(rng.Pick(kAgenda[rng.Weighted(langs)]));
  }
  json concerns = json::array();
  for (int i = static_cast<int>(rng.Int(1, 4)); i > 0; --i) {
    json c = {{"category", rng.Pick(kCategories)},
              {"summary", Compose(rng, kConcerns, langs, 80, 250)}};
    if (rng.Chance(0.8)) c["raised_by"] = rng.Pick(kGroups);
    concerns.push_back(std::move(c));
  }
  json agreements = json::array();
  for (int i = static_cast<int>(rng.Int(0, 2)); i > 0; --i) {
    agreements.push_back(rng.Pick(kAgreements[rng.Weighted(langs)]));
  }

  // Commitments: 2-4, about 3; 10% without a due date.
  GeneratedSession out;
  json commitments = json::array();
  const int64_t today = kLastDay + 1;
  const std::array<int, 5> count_weights = {0, 0, 25, 50, 25};
  const int count = static_cast<int>(rng.Weighted(count_weights));
  for (int i = 0; i < count; ++i) {
    const Commune& where =
        rng.Chance(0.8) ? commune : rng.Pick(region.communes);
    json c = {{"action", rng.Pick(kActions[rng.Weighted(langs)])},
              {"owner", Substitute(rng.Pick(region.owners), region, where)}};
    std::optional<int64_t> due;
    if (rng.Chance(0.9)) {
      due = day + rng.Int(14, 420);
      c["due"] = DateText(*due);
    }
    commitments.push_back(std::move(c));
    // Follow-ups: most past-due commitments got one, a few others too.
    PlannedFollowUp f;
    f.commitment = i;
    if (due && *due < today) {
      if (!rng.Chance(*due < today - 365 ? 0.85 : 0.6)) continue;
      static constexpr std::array<int, 4> kWeights = {65, 15, 12, 8};
      static constexpr std::array<const char*, 4> kStatuses = {
          "done", "dropped", "in_progress", "blocked"};
      f.follow_up.status = kStatuses[rng.Weighted(kWeights)];
      f.follow_up.date =
          DateText(std::clamp(*due + rng.Int(-30, 60), day + 1, today - 1));
    } else {
      if (day + 7 > today - 1 || !rng.Chance(0.15)) continue;
      f.follow_up.status = "in_progress";
      f.follow_up.date = DateText(std::min(day + rng.Int(7, 90), today - 1));
    }
    if (rng.Chance(0.5)) f.follow_up.note = rng.Pick(kFollowUpNotes);
    out.follow_ups.push_back(std::move(f));
  }

  out.rare_word = rng.Chance(0.01);
  const Lang notes_lang = static_cast<Lang>(rng.Weighted(langs));
  const std::string notes =
      Compose(rng, kNotes, langs, 200, 1500,
              out.rare_word ? kRareNotes[notes_lang] : std::string_view());

  json languages = json::array();
  for (std::string_view tag : region.languages) {
    if (languages.empty() || rng.Chance(0.6)) languages.push_back(tag);
  }
  char facilitator[48];
  std::snprintf(facilitator, sizeof facilitator, "facilitator-%s-%02d",
                std::string(region.country).c_str(),
                static_cast<int>(rng.Int(1, 30)));

  json session = {
      {"format", kSessionFormat},
      {"kind", kind.kind},
      {"title", title},
      {"started_at", started},
      {"ended_at", ended},
      {"place",
       {{"country", region.country},
        {"region", region.region},
        {"commune", commune.name},
        {"site", nullptr}}},
      {"languages", languages},
      {"facilitators", json::array({facilitator})},
      {"attribution", rng.Chance(0.9) ? "chatham_house" : "on_record"},
      {"participants", participants},
      {"agenda", agenda},
      {"concerns", concerns},
      {"agreements", agreements},
      {"commitments", commitments},
      {"notes", notes},
  };
  if (rng.Chance(0.7))
    session["next_meeting"] = DateText(day + rng.Int(21, 90));
  StatusOr<SessionInput> input = ParseSession(session);
  if (!input.ok()) {
    return input.status().WithContext("generated session " +
                                      std::to_string(index) + " is invalid");
  }
  out.input = std::move(*input);
  return out;
}

// Vault set-up ----------------------------------------------------------------

struct FillStats {
  int64_t sessions = 0;
  int64_t commitments = 0;
  int64_t follow_ups = 0;
  int64_t rare = 0;
  double generate_ms = 0;
  double sessions_ms = 0;
  double follow_ups_ms = 0;
};

// Adds sessions [first, total) in batches, with their follow-ups.
Status Fill(Vault& vault, RecordStore& store, int64_t first, int64_t total,
            int batch, FillStats* stats) {
  const Clock::time_point start = Clock::now();
  for (int64_t begin = first; begin < total; begin += batch) {
    const int64_t end = std::min(total, begin + batch);
    Clock::time_point t = Clock::now();
    std::vector<GeneratedSession> generated;
    std::vector<SessionInput> inputs;
    for (int64_t i = begin; i < end; ++i) {
      PALABRE_ASSIGN_OR_RETURN(GeneratedSession g, MakeSession(i, total));
      inputs.push_back(g.input);
      generated.push_back(std::move(g));
    }
    stats->generate_ms += MillisSince(t);
    t = Clock::now();
    PALABRE_ASSIGN_OR_RETURN(std::vector<AddedSession> added,
                             store.AddSessions(inputs));
    stats->sessions_ms += MillisSince(t);
    t = Clock::now();
    int64_t follow_ups = 0;
    PALABRE_RETURN_IF_ERROR(
        RunRecordWrite(vault.db(), [&](RecordWrite& write) -> Status {
          follow_ups = 0;
          for (std::size_t s = 0; s < generated.size(); ++s) {
            for (const PlannedFollowUp& f : generated[s].follow_ups) {
              PALABRE_RETURN_IF_ERROR(ValidateFollowUp(f.follow_up));
              const std::string& commitment =
                  added[s].commitments[static_cast<std::size_t>(f.commitment)];
              PALABRE_RETURN_IF_ERROR(
                  write
                      .Put(NewRecordId(), kTypeFollowUp, kOpPut, commitment,
                           FollowUpBody(commitment, f.follow_up))
                      .status());
              ++follow_ups;
            }
          }
          return Status::Ok();
        }));
    stats->follow_ups_ms += MillisSince(t);
    stats->sessions += end - begin;
    stats->follow_ups += follow_ups;
    for (const GeneratedSession& g : generated) {
      stats->commitments += static_cast<int64_t>(g.input.commitments.size());
      stats->rare += g.rare_word ? 1 : 0;
    }
    if ((end - first) % (batch * 10) == 0 || end == total) {
      std::fprintf(stderr, "  filled %s / %s sessions, %.0f s\n",
                   WithCommas(end).c_str(), WithCommas(total).c_str(),
                   MillisSince(start) / 1000);
    }
  }
  return Status::Ok();
}

// Measuring -------------------------------------------------------------------

struct Traced {
  std::string sql;
  double ms = 0;
  int calls = 0;
};

// Statements run while tracing is on, with their total time (--plans).
// Only for the query measures: the first kMaxTraced distinct statements
// are kept, the rest only counted.
struct Tracer {
  static constexpr std::size_t kMaxTraced = 1000;
  std::vector<Traced> statements;
  std::unordered_map<std::string, std::size_t> index;  // sql -> statements[i]
  int64_t untraced = 0;
  static int Callback(unsigned type, void* ctx, void* p, void* x) {
    if (type != SQLITE_TRACE_PROFILE) return 0;
    auto* self = static_cast<Tracer*>(ctx);
    char* sql = sqlite3_expanded_sql(static_cast<sqlite3_stmt*>(p));
    std::string text = sql != nullptr ? sql : "";
    sqlite3_free(sql);
    const double ms = static_cast<double>(*static_cast<int64_t*>(x)) / 1e6;
    auto it = self->index.find(text);
    if (it != self->index.end()) {
      Traced& t = self->statements[it->second];
      t.ms += ms;
      ++t.calls;
    } else if (self->statements.size() < kMaxTraced) {
      self->index.emplace(text, self->statements.size());
      self->statements.push_back({std::move(text), ms, 1});
    } else {
      ++self->untraced;
    }
    return 0;
  }
};

struct Row {
  std::string measure;
  std::string value;
  std::string cpu;
  std::string warm;
  std::string goal;
  std::string met;
};

// Medians of one measure, in milliseconds.
struct Timing {
  double ms = 0;        // wall clock, empty page cache
  double cpu_ms = 0;    // this thread's CPU time (user + system), same runs
  double warm_ms = -1;  // wall clock, page cache kept; -1 if not measured
};

double ThreadCpuMillis() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1000 +
         static_cast<double>(ts.tv_nsec) / 1e6;
}

class Bench {
 public:
  Bench(const Options& o, Vault& vault, RecordStore& store)
      : o_(o), vault_(vault), store_(store) {}

  // Times `fn`: `runs` times each after emptying the connection's page
  // cache, then (with `warm`) once untimed and `runs` times keeping it.
  // With --plans and `explain`, runs it once more to trace its statements.
  StatusOr<Timing> Time(const std::string& name, int runs, bool warm,
                        const std::function<Status()>& fn,
                        bool explain = true) {
    std::vector<double> cold_ms;
    std::vector<double> cpu_ms;
    std::vector<double> warm_ms;
    for (int r = 0; r < runs; ++r) {
      sqlite3_db_release_memory(vault_.db().handle());
      const double cpu_start = ThreadCpuMillis();
      const Clock::time_point start = Clock::now();
      PALABRE_RETURN_IF_ERROR(fn().WithContext(name));
      cold_ms.push_back(MillisSince(start));
      cpu_ms.push_back(ThreadCpuMillis() - cpu_start);
    }
    if (warm) {
      PALABRE_RETURN_IF_ERROR(fn().WithContext(name));
      for (int r = 0; r < runs; ++r) {
        const Clock::time_point start = Clock::now();
        PALABRE_RETURN_IF_ERROR(fn().WithContext(name));
        warm_ms.push_back(MillisSince(start));
      }
    }
    if (o_.verbose) {
      std::fprintf(stderr, "  %s, ms:", name.c_str());
      for (double v : cold_ms) std::fprintf(stderr, " %.1f", v);
      std::fprintf(stderr, " | cpu:");
      for (double v : cpu_ms) std::fprintf(stderr, " %.1f", v);
      if (warm) std::fprintf(stderr, " | warm:");
      for (double v : warm_ms) std::fprintf(stderr, " %.1f", v);
      std::fprintf(stderr, "\n");
    }
    if (o_.plans && explain) PALABRE_RETURN_IF_ERROR(Explain(name, fn));
    return Timing{Median(cold_ms), Median(cpu_ms),
                  warm ? Median(warm_ms) : -1.0};
  }

  static std::string Millis(double ms) {
    if (ms >= 10000) return Fixed(ms / 1000, 1) + " s";
    return Fixed(ms, ms < 100 ? 1 : 0) + " ms";
  }

  void Add(const std::string& measure, const Timing& t, double goal_ms) {
    Row row{measure,
            Millis(t.ms),
            Millis(t.cpu_ms),
            t.warm_ms < 0 ? "" : Millis(t.warm_ms),
            "",
            ""};
    if (goal_ms > 0) {
      row.goal = goal_ms >= 1000 ? "<= " + Fixed(goal_ms / 1000, 0) + " s"
                                 : "<= " + Fixed(goal_ms, 0) + " ms";
      row.met = t.ms <= goal_ms ? "yes" : "**no**";
    } else {
      row.goal = "-";
      row.met = "-";
    }
    rows_.push_back(std::move(row));
  }
  void AddRow(Row row) { rows_.push_back(std::move(row)); }

  void Print() const {
    std::printf("| measure | value | CPU | warm cache | goal | met |\n");
    std::printf("|---|---:|---:|---:|---|---|\n");
    for (const Row& r : rows_) {
      std::printf("| %s | %s | %s | %s | %s | %s |\n", r.measure.c_str(),
                  r.value.c_str(), r.cpu.c_str(), r.warm.c_str(),
                  r.goal.c_str(), r.met.c_str());
    }
  }

  // The plans of the statements `fn` runs, slowest first (--plans).
  Status Explain(const std::string& name, const std::function<Status()>& fn) {
    sqlite3* handle = vault_.db().handle();
    Tracer tracer;
    sqlite3_db_release_memory(handle);
    sqlite3_trace_v2(handle, SQLITE_TRACE_PROFILE, &Tracer::Callback, &tracer);
    const Status status = fn();
    sqlite3_trace_v2(handle, 0, nullptr, nullptr);
    PALABRE_RETURN_IF_ERROR(status);
    std::sort(tracer.statements.begin(), tracer.statements.end(),
              [](const Traced& a, const Traced& b) { return a.ms > b.ms; });
    std::fprintf(stderr,
                 "\n== %s: %zu distinct statements (+%" PRId64 " untraced)\n",
                 name.c_str(), tracer.statements.size(), tracer.untraced);
    int shown = 0;
    for (const Traced& t : tracer.statements) {
      if (++shown > 6) break;
      std::string sql = t.sql;
      if (sql.size() > 600) sql = sql.substr(0, 600) + "...";
      std::fprintf(stderr, "-- %.2f ms in %d call(s): %s\n", t.ms, t.calls,
                   sql.c_str());
      const bool read_only =
          t.sql.rfind("SELECT", 0) == 0 || t.sql.rfind("WITH", 0) == 0;
      if (!read_only) continue;
      StatusOr<Statement> plan =
          vault_.db().Prepare("EXPLAIN QUERY PLAN " + t.sql);
      if (!plan.ok()) continue;
      while (true) {
        StatusOr<bool> row = plan->Step();
        if (!row.ok() || !*row) break;
        std::fprintf(stderr, "     plan: [%" PRId64 "<-%" PRId64 "] %s\n",
                     plan->ColumnInt(0), plan->ColumnInt(1),
                     plan->ColumnText(3).c_str());
      }
    }
    return Status::Ok();
  }

 private:
  const Options& o_;
  Vault& vault_;
  RecordStore& store_;
  std::vector<Row> rows_;
};

// `session list` as it runs on a terminal: the first page, and the total
// when the page is full (cli/commands_session.cc).
Status ListLikeCli(RecordStore& store, const SessionFilter& f,
                   std::size_t* shown) {
  PALABRE_ASSIGN_OR_RETURN(auto list, store.ListSessions(f));
  *shown = list.size();
  if (static_cast<int64_t>(list.size()) >= f.limit) {
    PALABRE_RETURN_IF_ERROR(store.CountSessions(f).status());
  }
  return Status::Ok();
}

StatusOr<int64_t> Count(Database& db, const std::string& sql) {
  return db.QueryInt(sql);
}

// The size of one file, 0 if it is missing.
uint64_t SizeOf(const std::string& path) {
  StatusOr<uint64_t> size = platform::FileSize(path);
  return size.ok() ? *size : 0;
}

std::string Mib(uint64_t bytes) {
  return Fixed(static_cast<double>(bytes) / (1 << 20), 1) + " MiB";
}

// Page usage per table and index (dbstat), largest first; empty if SQLite
// was built without the dbstat table.
struct PageUse {
  std::string name;
  int64_t bytes = 0;    // pages
  int64_t payload = 0;  // bytes of record payload in them
  int64_t unused = 0;   // free bytes in them
};
std::vector<PageUse> PageUsage(Database& db) {
  std::vector<PageUse> out;
  StatusOr<Statement> stmt = db.Prepare(
      "SELECT name, SUM(pgsize), SUM(payload), SUM(unused) FROM dbstat "
      "GROUP BY name ORDER BY 2 DESC");
  if (!stmt.ok()) return out;
  while (true) {
    StatusOr<bool> row = stmt->Step();
    if (!row.ok() || !*row) break;
    out.push_back({stmt->ColumnText(0), stmt->ColumnInt(1), stmt->ColumnInt(2),
                   stmt->ColumnInt(3)});
  }
  return out;
}

Status Run(const Options& o, const std::string& dir, bool* created) {
  // Unlock, creating the vault if there is none.
  StatusOr<VaultInfo> info = Vault::Inspect(dir);
  *created = false;
  if (!info.ok()) {
    if (info.status().code() != StatusCode::kNotFound) return info.status();
    PALABRE_RETURN_IF_ERROR(
        Vault::Create(dir, kPassphrase, KdfLevel::kInteractive).status());
    *created = true;
  }
  Clock::time_point t = Clock::now();
  PALABRE_ASSIGN_OR_RETURN(std::unique_ptr<Vault> vault,
                           Vault::Open(dir, kPassphrase));
  const double unlock_ms = MillisSince(t);
  PALABRE_ASSIGN_OR_RETURN(RecordStore store, RecordStore::Open(*vault));
  Database& db = vault->db();

  // Fill up to --sessions.
  PALABRE_ASSIGN_OR_RETURN(int64_t present,
                           Count(db, "SELECT count(*) FROM sessions"));
  FillStats fill;
  if (present < o.sessions) {
    std::fprintf(stderr, "filling %s sessions into %s (%s there)\n",
                 WithCommas(o.sessions - present).c_str(), dir.c_str(),
                 WithCommas(present).c_str());
    PALABRE_RETURN_IF_ERROR(
        Fill(*vault, store, present, o.sessions, o.batch, &fill));
  } else {
    std::fprintf(stderr, "reusing the %s sessions in %s\n",
                 WithCommas(present).c_str(), dir.c_str());
  }
  PALABRE_ASSIGN_OR_RETURN(int64_t sessions,
                           Count(db, "SELECT count(*) FROM sessions"));
  PALABRE_ASSIGN_OR_RETURN(int64_t commitments,
                           Count(db, "SELECT count(*) FROM commitments"));
  PALABRE_ASSIGN_OR_RETURN(int64_t follow_ups,
                           Count(db, "SELECT count(*) FROM follow_ups"));
  PALABRE_ASSIGN_OR_RETURN(int64_t entries,
                           Count(db, "SELECT count(*) FROM log_entries"));
  std::printf(
      "vault: %s sessions, %s commitments, %s follow-ups, %s log entries, "
      "in %s\n",
      WithCommas(sessions).c_str(), WithCommas(commitments).c_str(),
      WithCommas(follow_ups).c_str(), WithCommas(entries).c_str(), dir.c_str());
  std::fflush(stdout);

  Bench bench(o, *vault, store);
  bench.AddRow({"unlock (Argon2id interactive + open)",
                Fixed(unlock_ms, 0) + " ms", "", "", "-", "-"});
  if (fill.sessions > 0) {
    const double total_s =
        (fill.generate_ms + fill.sessions_ms + fill.follow_ups_ms) / 1000;
    bench.AddRow(
        {"fill: " + WithCommas(fill.sessions) + " sessions (" +
             WithCommas(fill.commitments) + " commitments) in AddSessions of " +
             std::to_string(o.batch) + ", " + WithCommas(fill.follow_ups) +
             " follow-ups in transactions of one batch",
         Fixed(total_s, 0) + " s", "", "", "-", "-"});
    bench.AddRow({"fill, of which AddSessions",
                  Fixed(fill.sessions_ms / 1000, 0) + " s (" +
                      Fixed(fill.sessions_ms * 1000 / fill.sessions, 0) +
                      " us/session)",
                  "", "", "-", "-"});
    bench.AddRow({"fill, of which follow-ups",
                  Fixed(fill.follow_ups_ms / 1000, 0) + " s (" +
                      Fixed(fill.follow_ups_ms * 1000 /
                                static_cast<double>(
                                    std::max<int64_t>(1, fill.follow_ups)),
                            0) +
                      " us/follow-up)",
                  "", "", "-", "-"});
    bench.AddRow({"fill, of which generating and validating",
                  Fixed(fill.generate_ms / 1000, 0) + " s", "", "", "-", "-"});
  }

  // 1. Add one session.
  {
    std::vector<SessionInput> next;
    const int count = o.runs * 2 + 1;
    for (int i = 0; i < count; ++i) {
      PALABRE_ASSIGN_OR_RETURN(
          GeneratedSession g,
          MakeSession(kSingleAddBase + sessions + i, o.sessions));
      next.push_back(std::move(g.input));
    }
    std::size_t k = 0;
    PALABRE_ASSIGN_OR_RETURN(
        auto ms, bench.Time("add one session", o.runs, true, [&]() -> Status {
          return store.AddSessions({next[k++ % next.size()]}).status();
        }));
    bench.Add("1. add one session (AddSessions of 1, synchronous=FULL)", ms,
              20);
  }

  // 2. session list --region R, first page.
  for (const char* region : {kListRegion, kSmallRegion}) {
    SessionFilter f;
    f.region = region;
    f.limit = kPageSize;
    std::size_t n = 0;
    PALABRE_ASSIGN_OR_RETURN(
        int64_t in_region,
        Count(db,
              std::string("SELECT count(*) FROM sessions WHERE region = '") +
                  region + "'"));
    PALABRE_ASSIGN_OR_RETURN(
        auto ms,
        bench.Time(std::string("session list --region ") + region, o.runs, true,
                   [&]() -> Status { return ListLikeCli(store, f, &n); }));
    bench.Add(std::string("2. session list --region ") + region + " (" +
                  std::to_string(n) + " of " + WithCommas(in_region) +
                  ", and the count)",
              ms, 50);
  }

  // 3. Full-text search, first page.
  for (const char* word : {kRareWord, kCommonWord}) {
    SessionFilter f;
    f.text = word;
    f.limit = kPageSize;
    std::size_t n = 0;
    PALABRE_ASSIGN_OR_RETURN(
        int64_t matching,
        Count(db, std::string("SELECT count(*) FROM sessions_fts WHERE "
                              "sessions_fts MATCH '\"") +
                      word + "\"*'"));
    PALABRE_ASSIGN_OR_RETURN(
        auto ms,
        bench.Time(std::string("session list --text ") + word, o.runs, true,
                   [&]() -> Status { return ListLikeCli(store, f, &n); }));
    bench.Add(std::string("3. session list --text ") + word + " (" +
                  std::to_string(n) + " of " + WithCommas(matching) +
                  " matching, and the count, " +
                  Fixed(100.0 * static_cast<double>(matching) /
                            static_cast<double>(std::max<int64_t>(1, sessions)),
                        1) +
                  "%)",
              ms, 50);
  }

  // 4. commitment list --overdue: the first page and the count, as on a
  // terminal; then every row (--all, piped, --json), without a goal.
  {
    CommitmentFilter f;
    f.overdue = true;
    f.today = kToday;
    f.limit = kPageSize;
    std::size_t n = 0;
    int64_t total = 0;
    PALABRE_ASSIGN_OR_RETURN(
        auto ms,
        bench.Time("commitment list --overdue", o.runs, true, [&]() -> Status {
          PALABRE_ASSIGN_OR_RETURN(auto list, store.ListCommitments(f));
          n = list.size();
          PALABRE_ASSIGN_OR_RETURN(total, store.CountCommitments(f));
          return Status::Ok();
        }));
    bench.Add("4. commitment list --overdue (today " + std::string(kToday) +
                  ": " + std::to_string(n) + " of " + WithCommas(total) +
                  " rows, and the count)",
              ms, 50);
    f.limit = -1;
    PALABRE_ASSIGN_OR_RETURN(ms, bench.Time("commitment list --overdue --all",
                                            o.runs, true, [&]() -> Status {
                                              PALABRE_ASSIGN_OR_RETURN(
                                                  auto list,
                                                  store.ListCommitments(f));
                                              n = list.size();
                                              return Status::Ok();
                                            }));
    bench.Add("4. commitment list --overdue --all (" +
                  WithCommas(static_cast<int64_t>(n)) + " rows)",
              ms, 0);
  }

  // 5. The report over everything.
  {
    ReportFilter f;
    f.today = kToday;
    f.generated_at = std::string(kToday) + "T12:00:00Z";
    int64_t made = 0;
    PALABRE_ASSIGN_OR_RETURN(
        auto ms, bench.Time("report", o.runs, true, [&]() -> Status {
          PALABRE_ASSIGN_OR_RETURN(Report report, ComputeReport(db, f));
          made = report.commitments_total.made;
          return Status::Ok();
        }));
    bench.Add("5. report, empty filter (" + WithCommas(made) + " commitments)",
              ms, 1000);
  }

  // 6. Verify.
  if (o.verify) {
    const int runs = o.verify_runs;
    VerifyReport report;
    PALABRE_ASSIGN_OR_RETURN(auto ms, bench.Time(
                                          "verify", runs, false,
                                          [&]() -> Status {
                                            PALABRE_ASSIGN_OR_RETURN(
                                                report, VerifyRecords(db));
                                            return Status::Ok();
                                          },
                                          /*explain=*/false));
    bench.AddRow({"6. verify (" + WithCommas(report.entries) +
                      " entries; median of " + std::to_string(runs) + ")",
                  Fixed(ms.ms / 1000, 1) + " s",
                  Fixed(ms.cpu_ms / 1000, 1) + " s", "", "-", "-"});
  }

  // 7. Size on disk against plaintext JSON.
  t = Clock::now();
  PALABRE_ASSIGN_OR_RETURN(json exported, store.Export(false));
  const std::string json_text = exported.dump();
  const double export_ms = MillisSince(t);
  exported = json();
  const auto pages = PageUsage(db);
  PALABRE_RETURN_IF_ERROR(vault->Lock());
  const std::string db_path = platform::JoinPath(dir, kDbFileName);
  const uint64_t db_bytes = SizeOf(db_path);
  const uint64_t vault_bytes = SizeOf(platform::JoinPath(dir, kKeysFileName)) +
                               db_bytes + SizeOf(db_path + "-wal") +
                               SizeOf(db_path + "-shm");
  const double ratio =
      static_cast<double>(vault_bytes) /
      static_cast<double>(std::max<std::size_t>(1, json_text.size()));
  bench.AddRow({"export (Export + compact dump, for the size)",
                Fixed(export_ms / 1000, 1) + " s", "", "", "-", "-"});
  bench.AddRow({"7. vault on disk (locked) / compact JSON export: " +
                    Mib(vault_bytes) + " / " + Mib(json_text.size()),
                Fixed(ratio, 2) + "x", "", "", "<= 2x",
                ratio <= 2.0 ? "yes" : "**no**"});

  std::printf("\n");
  bench.Print();
  std::printf(
      "\nValues: median of %d runs (verify: of %d), each after emptying the "
      "connection's page cache, as a fresh palabre process starts (pages "
      "come through the encrypting VFS; the OS page cache is warm). CPU: "
      "the thread's CPU time in those runs (less than the value when the "
      "machine is busy or when waiting for fsync). Warm cache: the same "
      "with the connection's 16 MiB cache kept. Measure 1 "
      "adds %d sessions to the vault. Load average at the end: %s.\n",
      o.runs, o.verify_runs, o.runs * 2 + 1, LoadAverage().c_str());
  if (!pages.empty()) {
    std::printf("\nSpace per table and index (dbstat, before locking):\n\n");
    std::printf(
        "| object | size | share | payload | free in its pages |\n"
        "|---|---:|---:|---:|---:|\n");
    int64_t total = 0;
    for (const PageUse& p : pages) total += p.bytes;
    for (const PageUse& p : pages) {
      std::printf("| %s | %s | %s%% | %s | %s%% |\n", p.name.c_str(),
                  Mib(static_cast<uint64_t>(p.bytes)).c_str(),
                  Fixed(100.0 * static_cast<double>(p.bytes) /
                            static_cast<double>(std::max<int64_t>(1, total)),
                        1)
                      .c_str(),
                  Mib(static_cast<uint64_t>(p.payload)).c_str(),
                  Fixed(100.0 * static_cast<double>(p.unused) /
                            static_cast<double>(std::max<int64_t>(1, p.bytes)),
                        0)
                      .c_str());
    }
  }
  return Status::Ok();
}

bool ParseInt(std::string_view text, int64_t min, int64_t* out) {
  int64_t value = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min) {
    return false;
  }
  *out = value;
  return true;
}

// kCancelled for --help.
StatusOr<Options> ParseArgs(int argc, char** argv) {
  Options o;
  const char* tmp = std::getenv("TMPDIR");
  o.dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    int64_t value = 0;
    if (arg == "--keep") {
      o.keep = true;
    } else if (arg == "--plans") {
      o.plans = true;
    } else if (arg == "--no-verify") {
      o.verify = false;
    } else if (arg == "--verbose") {
      o.verbose = true;
    } else if (arg == "--sessions" && has_value) {
      if (!ParseInt(argv[++i], 1, &o.sessions)) {
        return InvalidArgumentError("--sessions takes a whole number >= 1");
      }
    } else if (arg == "--runs" && has_value) {
      if (!ParseInt(argv[++i], 1, &value) || value > 1000) {
        return InvalidArgumentError("--runs takes a whole number 1-1000");
      }
      o.runs = static_cast<int>(value);
    } else if (arg == "--verify-runs" && has_value) {
      if (!ParseInt(argv[++i], 1, &value) || value > 100) {
        return InvalidArgumentError("--verify-runs takes a whole number 1-100");
      }
      o.verify_runs = static_cast<int>(value);
    } else if (arg == "--batch" && has_value) {
      if (!ParseInt(argv[++i], 1, &value) || value > 100000) {
        return InvalidArgumentError("--batch takes a whole number 1-100000");
      }
      o.batch = static_cast<int>(value);
    } else if (arg == "--vault" && has_value) {
      o.vault = argv[++i];
    } else if (arg == "--dir" && has_value) {
      o.dir = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      return CancelledError("help");
    } else {
      return InvalidArgumentError("unknown or incomplete argument '" +
                                  std::string(arg) + "'");
    }
  }
  return o;
}

int Main(int argc, char** argv) {
  StatusOr<Options> options = ParseArgs(argc, argv);
  if (!options.ok()) {
    if (options.status().code() == StatusCode::kCancelled) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    std::fprintf(stderr, "records_bench: %s\n%s",
                 options.status().message().c_str(), kUsage);
    return 1;
  }
  const Options& o = *options;
  Status status = crypto::Initialize();
  if (!status.ok()) {
    std::fprintf(stderr, "records_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  std::string dir = o.vault;
  const bool temporary = dir.empty();
  if (temporary) {
    std::string templ = platform::JoinPath(o.dir, "palabre-records-XXXXXX");
    if (mkdtemp(templ.data()) == nullptr) {
      std::fprintf(stderr,
                   "records_bench: cannot create a directory in %s: %s\n",
                   o.dir.c_str(), std::strerror(errno));
      return 1;
    }
    dir = templ;
  }
  std::printf(
      "machine: %s, nproc %ld, load average %s; SQLite %s, libsodium %s\n",
      CpuModel().c_str(), sysconf(_SC_NPROCESSORS_ONLN), LoadAverage().c_str(),
      sqlite3_libversion(), sodium_version_string());
  std::fflush(stdout);
  bool created = false;
  status = Run(o, dir, &created);
  std::fflush(stdout);
  if (temporary && !o.keep) {
    Vault::Wipe(dir).status().IgnoreError();
    platform::RemoveEmptyDirectory(dir).IgnoreError();
  } else {
    std::fprintf(stderr, "vault kept in %s (passphrase \"%s\")\n", dir.c_str(),
                 kPassphrase);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "records_bench: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace palabre::bench

int main(int argc, char** argv) { return palabre::bench::Main(argc, argv); }
