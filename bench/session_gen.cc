// session_gen (bench/session_gen.h): the generated sessions and their
// follow-ups. Moved out of records_bench.cc unchanged, so that a given
// index and total give the same session as before.
#include "bench/session_gen.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/entry_log.h"
#include "core/record.h"
#include "core/record_write.h"

namespace palabre::bench {
namespace {

using nlohmann::json;

constexpr uint64_t kSeed = kSessionSeed;

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

}  // namespace

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

Status AddPlannedFollowUps(Database& db,
                           const std::vector<GeneratedSession>& generated,
                           const std::vector<AddedSession>& added,
                           int64_t* count) {
  return RunRecordWrite(db, [&](RecordWrite& write) -> Status {
    *count = 0;
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
        ++*count;
      }
    }
    return Status::Ok();
  });
}

}  // namespace palabre::bench
