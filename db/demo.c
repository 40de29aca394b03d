/*
 * demo — the fictional demo centre (see demo.h for the contract).
 *
 * Everything comes from one seeded generator (xoshiro256**), never rand()
 * or the clock, and "today" comes from util_today, so a seed and a pinned
 * QENDRA_NOW give the same rows. The order of the work matters for that:
 * closures first (the calendar every schedule avoids), then the families in
 * the order they registered (family codes count up per municipality and
 * year), each with its members, consent, screenings, visits and referral
 * wishes; then anonymous tallies, referrals (sorted by date, so their codes
 * count up too), activities, counselling, classes and dropout flags.
 *
 * Speed: all of it is one transaction of prepared, cached statements
 * (dbi_prep), with a larger page cache while it runs; persons get explicit
 * ids so a family can name its head before the head's row exists (the
 * foreign key is deferred).
 */
#include "db/demo.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "db/care.h"
#include "db/dbi.h"

#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- The demo accounts ---- */

enum { U_DRITA, U_ARBEN, U_ELIRA, U_GENT, U_MIRA, U_BESNIK, U_VJOSA, U_COUNT };

static const struct db_demo_login logins[U_COUNT] = {
    {"drita", "demo-drita", DB_ROLE_MANAGER, "Drita Hoxha"},
    {"arben", "demo-arben", DB_ROLE_REGISTRAR, "Arben Kola"},
    {"elira", "demo-elira", DB_ROLE_COUNSELLOR, "Elira Marku"},
    {"gent", "demo-gent", DB_ROLE_COUNSELLOR, "Gent Basha"},
    {"mira", "demo-mira", DB_ROLE_TEACHER, "Mira Leka"},
    {"besnik", "demo-besnik", DB_ROLE_TEACHER, "Besnik Gjoka"},
    {"vjosa", "demo-vjosa", DB_ROLE_VIEWER, "Vjosa Dushku"},
};

const struct db_demo_login *db_demo_logins(int *n)
{
	if (n)
		*n = U_COUNT;
	return logins;
}

/* ---- Names and places ---- */

static const char *const female_names[] = {
    "Ardita",  "Besa",     "Blerta",   "Bora",        "Dafina",  "Dorina",  "Dritë",    "Dhurata",
    "Elda",    "Elona",    "Enkeleda", "Erjona",      "Fatime",  "Fjolla",  "Flutura",  "Gentiana",
    "Gëzime",  "Gjystina", "Hëna",     "Ilirjana",    "Jonida",  "Jeta",    "Kaltrina", "Klea",
    "Lindita", "Lirie",    "Lule",     "Majlinda",    "Marjeta", "Mimoza",  "Mirela",   "Mrika",
    "Nora",    "Orjeta",   "Pranvera", "Prenda",      "Rezarta", "Rovena",  "Sabina",   "Shpresa",
    "Shqipe",  "Teuta",    "Tringa",   "Valbona",     "Vitore",  "Vjollca", "Xhensila", "Zamira",
    "Zana",    "Zhaneta",  "Çiljeta",  "Ëngjëllushe",
};

static const char *const male_names[] = {
    "Agron",    "Ardit",  "Artan",   "Bardhyl", "Bekim",    "Blerim",  "Çlirim",  "Dardan",
    "Dhimitër", "Dritan", "Edmond",  "Elton",   "Ergys",    "Erion",   "Fatmir",  "Gëzim",
    "Gjergj",   "Gjon",   "Ilir",    "Jetmir",  "Kastriot", "Klodian", "Kujtim",  "Leka",
    "Llesh",    "Luan",   "Lulzim",  "Marjan",  "Mark",     "Mentor",  "Ndriçim", "Ndue",
    "Nikoll",   "Pal",    "Petrit",  "Pjetër",  "Prenk",    "Redon",   "Rrok",    "Shkëlqim",
    "Skënder",  "Sokol",  "Taulant", "Tomorr",  "Urim",     "Valon",   "Xhevdet", "Ylli",
    "Zamir",    "Zef",    "Zhuljan",
};

struct unit {
	const char *name;
	const char *places[7]; /* villages or quarters, NULL-terminated */
};

static const struct unit shk_units[] = {
    {"Shkodër",
     {"Lagjja Vasil Shanto", "Lagjja Qemal Stafa", "Lagjja Perash", "Lagjja Tophanë",
      "Lagjja Kiras", "Lagjja Ndreaj", NULL}},
    {"Rrethina", {"Dobraç", "Bardhaj", "Zues", "Mazrek", "Shtoj i Vjetër", "Golem", NULL}},
    {"Velipojë", {"Baks-Rrjoll", "Pulaj", "Gocaj", "Luarzë", "Mali Kolaj", "Reç i Ri", NULL}},
    {"Dajç", {"Belaj", "Mali Hebaj", "Samrish", "Shirq", "Darragjat", NULL}},
    {"Postribë", {"Mes", "Drisht", "Boks", "Dragoç", "Kullaj", NULL}},
    {"Pult", {"Plan", "Xhan", "Bruçaj", "Kir", NULL}},
    {"Shosh", {"Shosh", "Ndërshenë", "Pecaj", NULL}},
    {"Shalë", {"Theth", "Breg-Lumi", "Abat", "Pog", "Nicaj-Shalë", NULL}},
    {"Gur i Zi", {"Gur i Zi", "Rranxa", "Vukatanë", "Juban", NULL}},
    {"Bërdicë", {"Bërdicë e Sipërme", "Bërdicë e Mesme", "Trush", "Beltojë", NULL}},
    {"Ana e Malit", {"Oblikë", "Muriqan", "Shtuf", NULL}},
};

static const struct unit kuk_units[] = {
    {"Kukës",
     {"Lagjja Nr. 1", "Lagjja Nr. 2", "Lagjja Nr. 3", "Lagjja Nr. 4", "Lagjja Nr. 5", NULL}},
    {"Bicaj", {"Bicaj", "Gjinaj", "Mamëz", "Lusën", NULL}},
    {"Shtiqën", {"Shtiqën", "Zahrisht", NULL}},
    {"Malzi", {"Malzi", NULL}},
    {"Surroj", {"Surroj", NULL}},
    {"Arrn", {"Arrn", NULL}},
    {"Tërthore", {"Tërthore", "Kuklibeg", NULL}},
    {"Kolsh", {"Kolsh", NULL}},
    {"Ujëmisht", {"Ujëmisht", NULL}},
};

static const struct unit dib_units[] = {
    {"Peshkopi", {"Lagjja Nr. 1", "Lagjja Nr. 2", "Lagjja Nr. 3", "Lagjja Nr. 4", NULL}},
    {"Maqellarë", {"Maqellarë", "Herbel", "Pocest", NULL}},
    {"Melan", {"Melan", NULL}},
    {"Tomin", {"Tomin", NULL}},
    {"Kastriot", {"Kastriot", NULL}},
    {"Sllovë", {"Sllovë", NULL}},
    {"Luzni", {"Luzni", NULL}},
    {"Fushë Çidhën", {"Fushë Çidhën", NULL}},
};

static const char *const shk_surnames[] = {
    "Çela",    "Dushku", "Gjoni",    "Llesh",   "Shehu",   "Xhafa",  "Thaçi",   "Zhupa",
    "Dhima",   "Ndoja",  "Ëngjëlli", "Rrapaj",  "Nikaj",   "Hoxha",  "Kola",    "Gjergji",
    "Lleshi",  "Marku",  "Bushati",  "Çuni",    "Meta",    "Daci",   "Përmeti", "Çaushi",
    "Shkreli", "Prenga", "Gjeta",    "Doda",    "Kapaj",   "Lulaj",  "Mulaj",   "Ndreca",
    "Dedaj",   "Vukaj",  "Gjokaj",   "Shllaku", "Çollaku", "Bardhi", "Pali",
};

static const char *const kuk_surnames[] = {
    "Hoxha",  "Shehu",  "Kryeziu",  "Halili", "Gashi", "Osmani", "Elshani",    "Ramadani",
    "Thaçi",  "Xhafa",  "Çela",     "Meta",   "Daci",  "Sula",   "Bajraktari", "Hasani",
    "Zeqiri", "Lleshi", "Rrustemi", "Dauti",  "Hysa",  "Çaushi", "Zhuri",      "Ëngjëlli",
};

static const char *const dib_surnames[] = {
    "Dema", "Kasa", "Laçi",  "Cami",  "Xhelili", "Murati", "Luzi",  "Kaja",
    "Toçi", "Tafa", "Hoxha", "Shehu", "Çela",    "Dhima",  "Meta",  "Përmeti",
    "Daci", "Lala", "Ndreu", "Bushi", "Gjuzi",   "Çaushi", "Zhupa", "Rrapaj",
};

struct muni {
	const char *key;    /* family.municipality */
	const char *prefix; /* family code prefix */
	const char *name;   /* "Bashkia ..." */
	const char *city;   /* where the regional offices are */
	const char *gymnasium;
	const struct unit *units;
	int nunits;
	const char *const *surnames;
	int nsurnames;
	int weight;
};

static const struct muni munis[3] = {
    {"shkoder", "SHK", "Shkodër", "Shkodër", "Gjimnazi \"28 Nëntori\"", shk_units, LEN(shk_units),
     shk_surnames, LEN(shk_surnames), 45},
    {"kukes", "KUK", "Kukës", "Kukës", "Gjimnazi \"Hasan Prishtina\"", kuk_units, LEN(kuk_units),
     kuk_surnames, LEN(kuk_surnames), 30},
    {"diber", "DIB", "Dibër", "Peshkopi", "Gjimnazi \"Said Najdeni\"", dib_units, LEN(dib_units),
     dib_surnames, LEN(dib_surnames), 25},
};

/* ---- Catalogue keys (the defaults of conf/) ---- */

static const char *const factors[] = {
    "abuse_history", "domestic_violence", "dysfunctional_family", "low_social_support",
    "sexual_abuse",  "substance_abuse",   "early_marriage",       "forced_labour",
    "street_child",  "school_dropout",    "blood_feud_isolation",
};
#define NFACTORS LEN(factors)
/* Chance (per mille) of each factor for a family of low, medium, high risk. */
static const int factor_pm[3][11] = {
    {30, 40, 60, 150, 5, 20, 10, 15, 10, 30, 5},
    {120, 180, 250, 400, 20, 90, 60, 80, 50, 150, 25},
    {350, 450, 550, 650, 80, 250, 200, 250, 150, 350, 80},
};
static const char *const factor_notes[] = {
    "Raportuar nga shkolla", "Vërejtur gjatë vizitës në shtëpi", "Deklaruar nga nëna",
    "Informacion nga NJMF",  "Deklaruar nga vetë fëmija",        "Raportuar nga mjeku i familjes",
};
static const char *const levels[3] = {"low", "medium", "high"};
static const char *const override_reasons[] = {
    "Vlerësim profesional: rreziku është më i lartë se sa tregojnë pikët",
    "Situata e familjes u përkeqësua pas vizitës së fundit",
    "Rrethanat e familjes e ulin rrezikun: gjyshërit kujdesen për fëmijët",
};

static const char *const purposes[] = {
    "information", "counselling",      "class", "referral_followup",
    "documents",   "material_support", "other"};
static const int purpose_w[] = {25, 15, 10, 12, 15, 18, 5};
static const char *const visit_notes[][3] = {
    {"Pyeti për shërbimet e qendrës", "Pyeti për regjistrimin e fëmijëve në kurse",
     "Informacion për ndihmën ekonomike"},
    {"Erdhi për takimin me këshilluesen", "Kërkoi një takim me këshilluesin",
     "Bisedë e shkurtër pa takim të caktuar"},
    {"Shoqëroi fëmijën në kursin pasdite", "Pyeti për orarin e kurseve",
     "Mori fëmijën pas mësimit"},
    {"Solli përgjigjen nga shërbimi", "Pyeti si po ecën referimi",
     "Raportoi se shërbimi nuk e ka kontaktuar"},
    {"Ndihmë për certifikatën e lindjes", "Ndihmë për dokumentet e gjendjes civile",
     "Plotësoi formularin e ndihmës ekonomike"},
    {"Mori pako ushqimore", "Mori rroba dimri për fëmijët", "Mori materiale shkollore"},
    {"Solli dokumente për dosjen", "Erdhi për të takuar punonjësin social", "Vizitë e shkurtër"},
};

/* the keys of the default age-band catalogue (conf/, etc/qendra.cfg) */
static const char *const age_bands[6] = {"0_5", "6_11", "12_14", "15_17", "18_24", "25_plus"};

static const char *const services[] = {"social_services", "health",  "education",  "police",
                                       "legal_aid",       "shelter", "employment", "other"};
static const int service_w[] = {25, 18, 20, 6, 8, 4, 12, 7};
/* Organisations of each service; %s is the municipality or its city. */
static const char *const organisations[][2] = {
    {"Njësia për Mbrojtjen e Fëmijëve, Bashkia %s", "Zyra e Shërbimeve Sociale, Bashkia %s"},
    {"Qendra Shëndetësore %s", "Spitali Rajonal %s"},
    {"Zyra Vendore Arsimore %s", "Drejtoria e Shkollës 9-vjeçare, %s"},
    {"Drejtoria Vendore e Policisë %s", "Sektori për Krimet e Mitura, Policia %s"},
    {"Qendra e Ndihmës Juridike Falas %s", "Zyra e Ndihmës Juridike, Dhoma e Avokatisë %s"},
    {"Qendra Kombëtare e Pritjes për Viktimat e Trafikimit", "Streha e përkohshme për fëmijë, %s"},
    {"Zyra Vendore e Punësimit %s", "Qendra e Formimit Profesional %s"},
    {"Kryqi i Kuq Shqiptar, dega %s", "Shoqata e Prindërve, %s"},
};
static const char *const referral_reasons[][3] = {
    {"Familja ka nevojë për ndihmë ekonomike", "Vlerësim i nevojave të fëmijës nga NJMF",
     "Fëmija qëndron pa kujdes prindëror gjatë ditës"},
    {"Kontroll mjekësor dhe vaksinim", "Nevojë për mbështetje psikiatrike",
     "Problem shëndetësor i patrajtuar"},
    {"Rikthim në shkollë pas braktisjes", "Mungesa të shpeshta në shkollë",
     "Regjistrim në shkollë për herë të parë"},
    {"Dyshim për shfrytëzim në punë", "Dhunë në familje", "Fëmijë i larguar nga shtëpia"},
    {"Pajisje me dokumente të gjendjes civile", "Këshillim për kujdestarinë",
     "Urdhër mbrojtjeje nga dhuna në familje"},
    {"Rrezik i menjëhershëm në familje", "Viktimë e mundshme e trafikimit",
     "Fëmijë pa strehë të sigurt"},
    {"Kërkim pune për prindin", "Formim profesional për të riun", "Praktikë pune për të rinjtë"},
    {"Materiale shkollore", "Pjesëmarrje në kampin veror", "Mbështetje me rroba dhe ushqim"},
};
static const char *const outcomes[] = {
    "Shërbimi u ofrua sipas planit",
    "Fëmija u rikthye në shkollë",
    "Familja u përfshi në ndihmën ekonomike",
    "Dokumentet u pajisën",
    "Prindi filloi punë",
    "Fëmija po ndiqet nga NJMF",
};
static const char *const decline_notes[] = {
    "Nuk plotësohen kriteret e shërbimit",
    "Shërbimi nuk ka kapacitet tani",
    "Familja refuzoi shërbimin",
};
static const char *const revoke_reasons[] = {
    "Familja tërhoqi pëlqimin",
    "Rasti u zgjidh para se të nisej shërbimi",
    "Referim i dyfishtë",
};

static const char *const cancel_reasons[] = {
    "Klienti kërkoi shtyrje", "Këshilluesi në trajnim",       "Ndërprerje e energjisë elektrike",
    "Klienti i sëmurë",       "Rrugët të bllokuara nga bora",
};
static const char *const session_cancel_reasons[] = {
    "Mësuesi me leje mjekësore",
    "Ndërprerje e energjisë elektrike",
    "Mot i keq: rrugët të bllokuara",
    "Mbledhje e stafit",
};
static const char *const leave_reasons[] = {
    "Familja u zhvendos",
    "Konflikt me orarin e shkollës",
    "Prindërit e tërhoqën fëmijën",
    "Fëmija filloi punë sezonale",
};

static const char *const disabilities[] = {
    "Dëmtim i dëgjimit", "Vështirësi në të nxënë", "Dëmtim i shikimit", "Aftësi e kufizuar fizike",
    "Autizëm",
};
static const char *const person_notes[] = {
    "Babai punon në emigracion (Greqi)",
    "Jeton me gjyshen gjatë javës",
    "Ka nevojë për transport për në shkollë",
    "Nëna punon sezonalisht në bujqësi",
    "Dokumentet e gjendjes civile nuk janë të përditësuara",
};
static const char *const close_reasons[][2] = {
    {"Rasti u mbyll pas ndërhyrjes së suksesshme", "Familja nuk ka më nevojë për mbështetje"},
    {"Familja emigroi në Itali", "Familja u zhvendos në Tiranë"},
};
static const char *const identified[] = {"outreach", "walk_in",         "school",
                                         "police",   "social_services", "other"};
static const int identified_w[] = {35, 20, 20, 5, 15, 5};

static const char *const topics[5][6] = {
    /* albanian */
    {"Leximi i një përrallë", "Shkrimi i një letre", "Drejtshkrimi i ë-së", "Fjalia e thjeshtë",
     "Hartimi: familja ime", "Poezia e Naim Frashërit"},
    /* mathematics */
    {"Tabela e shumëzimit", "Thyesat", "Pjesëtimi me mbetje", "Problemat me dy veprime",
     "Matjet e gjatësisë", "Perimetri dhe sipërfaqja"},
    /* english */
    {"Greetings and introductions", "Numbers 1-100", "My family", "Present Simple",
     "Days and months", "At school"},
    /* homework */
    {"Detyrat e shtëpisë", "Përgatitje për testin e matematikës", "Lexim i drejtuar",
     "Detyrat e shkencave", "Përsëritje për provimin", "Detyrat e gjuhës shqipe"},
    /* arts */
    {"Vizatim me lapsa me ngjyra", "Punë dore me letër", "Këngë popullore", "Teatër: lojë me role",
     "Piktura e peizazhit", "Maska për festën"},
};
enum { SUBJ_ALBANIAN, SUBJ_MATHS, SUBJ_ENGLISH, SUBJ_HOMEWORK, SUBJ_ARTS };
static const char *const subjects[5] = {"albanian", "mathematics", "english", "homework", "arts"};

static const char *const activity_types[4] = {"youth_initiative", "peer_support",
                                              "psychosocial_group", "awareness_event"};
static const char *const activity_titles[4][4] = {
    {"Nisma e të rinjve: pastrimi i lumit në %s", "Nisma e të rinjve: bibliotekë në %s",
     "Turne futbolli për të rinjtë e %s", "Ditë sportive në %s"},
    {"Grup bashkëmoshatarësh: rreziqet në internet", "Takim mbështetës për vajzat adoleshente",
     "Bashkëmoshatarët flasin: ëndrrat dhe puna", "Grup bashkëmoshatarësh: jeta në familje"},
    {"Grup psiko-social: menaxhimi i emocioneve", "Grup psiko-social: vetëvlerësimi",
     "Grup psiko-social për prindërit", "Grup psiko-social: humbja dhe pikëllimi"},
    {"Takim ndërgjegjësues për trafikimin e fëmijëve në %s",
     "Fushatë informimi: punët e rrezikshme për fëmijët në %s", "Dita e Fëmijëve në %s",
     "Ndërgjegjësim për martesat e hershme në %s"},
};
static const char *const activity_notes[] = {
    "Morën pjesë edhe prindër",
    "Aktiviteti u zhvillua në oborrin e shkollës",
    "Me mbështetjen e bashkisë",
    "Të rinjtë e organizuan vetë",
};
static const char *const dropout_reasons[] = {
    "3 mungesa pa arsye radhazi",
    "Pjesëmarrje nën 75% në 4 javët e fundit",
};
static const char *const dropout_actions[] = {
    "U bë vizitë në shtëpi; familja premtoi se fëmija do të kthehet",
    "U referua te zyra arsimore",
    "Fëmija u kthye; mungesat ishin për shkak të sëmundjes",
};

/* Fixed-date public holidays: month, day, reason. */
static const struct {
	int m, d;
	const char *reason;
} holidays[] = {
    {1, 1, "Viti i Ri"},
    {1, 2, "Viti i Ri"},
    {3, 14, "Dita e Verës"},
    {3, 22, "Dita e Nevruzit"},
    {5, 1, "Dita Ndërkombëtare e Punëtorëve"},
    {11, 1, "Dita e të Gjithë Shenjtorëve"},
    {11, 28, "Dita e Pavarësisë"},
    {11, 29, "Dita e Çlirimit"},
    {12, 8, "Dita Kombëtare e Rinisë"},
    {12, 25, "Krishtlindjet"},
};

/* ---- The seeded generator: xoshiro256** started by splitmix64 ---- */

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed ^ 0x51EDC0DEull;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_u64(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* 0 .. n-1 (0 when n <= 1). */
static int rnd(struct rng *r, int n)
{
	if (n <= 1)
		return 0;
	return (int)(((rng_u64(r) >> 32) * (uint64_t)n) >> 32);
}

/* lo .. hi inclusive. */
static int rrange(struct rng *r, int lo, int hi)
{
	return hi <= lo ? lo : lo + rnd(r, hi - lo + 1);
}

static bool pct(struct rng *r, int percent)
{
	return rnd(r, 100) < percent;
}

static bool permil(struct rng *r, int pm)
{
	return rnd(r, 1000) < pm;
}

static int pick_w(struct rng *r, const int *w, int n)
{
	int sum = 0;
	for (int i = 0; i < n; i++)
		sum += w[i];
	int x = rnd(r, sum);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

#define PICK(r, a) ((a)[rnd((r), LEN(a))])

static void shuffle(struct rng *r, int *a, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = rnd(r, i + 1), t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

/* ---- Days ---- */

struct ymd {
	int y, m, d;
};

static struct ymd ymd_of(int day)
{
	char iso[11];
	struct ymd v = {0, 0, 0};
	db_day_to_iso(day, iso);
	v.y = atoi(iso);
	v.m = atoi(iso + 5);
	v.d = atoi(iso + 8);
	return v;
}

static int day_of(int y, int m, int d)
{
	char iso[11];
	long day = 0;
	snprintf(iso, sizeof iso, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
	db_day_from_iso(iso, &day);
	return (int)day;
}

static int age_at(struct ymd b, struct ymd on)
{
	int a = on.y - b.y;
	if (on.m < b.m || (on.m == b.m && on.d < b.d))
		a--;
	return a;
}

static void iso_day(int day, char out[11])
{
	db_day_to_iso(day, out);
}

/* "YYYY-MM-DD HH:MM:SS" */
static void iso_ts(int day, int minute, int sec, char out[20])
{
	char d[11];
	db_day_to_iso(day, d);
	unsigned m = (unsigned)minute % 1440u;
	snprintf(out, 20, "%.10s %02u:%02u:%02u", d, m / 60u, m % 60u, (unsigned)sec % 60u);
}

/* Copy tmpl into out with its one "%s" (if any) replaced by arg. */
static void fill(char *out, size_t sz, const char *tmpl, const char *arg)
{
	const char *p = strstr(tmpl, "%s");
	if (!p) {
		snprintf(out, sz, "%s", tmpl);
		return;
	}
	snprintf(out, sz, "%.*s%s%s", (int)(p - tmpl), tmpl, arg, p + 2);
}

/* ---- Generation state ---- */

enum { REL_HEAD, REL_SPOUSE, REL_CHILD, REL_GRANDCHILD, REL_PARENT };
static const char *const relations[] = {"head", "spouse", "child", "grandchild", "parent"};
enum { SCH_ENROLLED, SCH_IRREGULAR, SCH_DROPPED, SCH_NEVER, SCH_NONE };
static const char *const school_statuses[] = {"enrolled", "irregular", "dropped_out",
                                              "never_enrolled", "not_school_age"};

struct fam {
	int64_t id;
	int reg; /* registration day */
	int end; /* last day with work: closing day, or the last working day */
	int muni, unit;
	int first, n; /* members: per[first .. first + n) */
	int risk;     /* 0 low, 1 medium, 2 high: how the family's screenings lean */
	int staff;    /* U_* who registered it */
	bool active;
	bool consent;
};

struct per {
	int64_t id;
	int fam;
	int birth;
	struct ymd b;
	const char *first, *last;
	char sex;
	char rel;
	char school;
	char risk; /* level of the latest screening, -1 none */
	bool busy; /* already a counselling client */
	int mark;  /* scratch for class pools */
};

struct ref {
	int day;
	int per;
	int svc;
	int seq; /* generation order, for a total order when sorting */
};

struct appt {
	int day, minute, dur;
	int counsellor; /* U_* */
	int per;        /* -1 for a group */
	int64_t activity_id;
	int type;
	int status; /* 0 scheduled, 1 held, 2 no_show, 3 cancelled */
	int cancel;
	int booked; /* day it was booked */
	int series; /* index into series uuids, -1 none */
	int seq;
};

struct gen {
	struct qdb *db;
	struct qerr *err;
	int rc;
	struct rng r;
	int today, last_day, first_day, now_min;
	struct ymd ty;
	int64_t uid[U_COUNT];
	int cal_lo, cal_n;
	unsigned char *closed;
	struct fam *fam;
	int nfam;
	struct per *per;
	int nper, capper;
	int64_t next_pid;
	struct ref *refs;
	int nref, capref;
	struct appt *appts;
	int nappt, capappt;
	char (*series)[37];
	int nseries, capseries;
	uint64_t *nids;
	int nnid, capnid;
	unsigned char *occ[2]; /* counselling slots taken, per counsellor and day */
	int occ_n;
};

static bool is_closed(const struct gen *g, int day)
{
	int i = day - g->cal_lo;
	return i >= 0 && i < g->cal_n && g->closed[i];
}

static bool workday(const struct gen *g, int day)
{
	return db_day_weekday(day) < 5 && !is_closed(g, day);
}

/* The nearest working day on or before `day`, not before `lo` (else on or after). */
static int workday_back(const struct gen *g, int day, int lo)
{
	for (int d = day; d >= lo; d--)
		if (workday(g, d))
			return d;
	for (int d = day + 1; d < day + 14; d++)
		if (workday(g, d))
			return d;
	return day;
}

/* A minute of office hours on `day`, kept before now when day is today. */
static int office_minute(struct gen *g, int day, int lo, int hi)
{
	int m = rrange(&g->r, lo, hi - 1);
	if (day >= g->today && m >= g->now_min)
		m = g->now_min > lo ? rrange(&g->r, lo, g->now_min - 1) : g->now_min / 2;
	return m;
}

/* The record columns every table shares. */
struct rec {
	int version;
	char cat[20];
	int64_t cby;
	char uat[20];
	int64_t uby;
};

static void rec_at(struct gen *g, struct rec *r, int day, int minute, int user)
{
	iso_ts(day, minute, rnd(&g->r, 60), r->cat);
	memcpy(r->uat, r->cat, sizeof r->uat);
	r->cby = r->uby = user >= 0 ? g->uid[user] : 0;
	r->version = 1;
}

static void rec_update(struct gen *g, struct rec *r, int day, int minute, int user)
{
	iso_ts(day, minute, rnd(&g->r, 60), r->uat);
	if (strcmp(r->uat, r->cat) < 0)
		memcpy(r->uat, r->cat, sizeof r->uat);
	r->uby = user >= 0 ? g->uid[user] : 0;
	r->version++;
}

/*
 * Run one cached INSERT. fmt gives the type of each parameter in order:
 * 'I' int64_t, 'i' int, 'u' int64_t bound as NULL when <= 0, 't' text (NULL
 * binds NULL). With rec, six more follow: uuid, version, created_at,
 * created_by, updated_at, updated_by. The first error sticks in g->rc and
 * makes every later call a no-op.
 */
static int put(struct gen *g, const char *sql, const struct rec *r, const char *fmt, ...)
{
	if (g->rc)
		return g->rc;
	sqlite3_stmt *st = dbi_prep(g->db, sql, g->err);
	if (!st)
		return g->rc = DB_ERR;
	va_list ap;
	va_start(ap, fmt);
	int i = 1;
	for (const char *f = fmt; *f; f++, i++) {
		switch (*f) {
		case 'I':
			sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'i':
			sqlite3_bind_int(st, i, va_arg(ap, int));
			break;
		case 'u': {
			int64_t v = va_arg(ap, int64_t);
			if (v > 0)
				sqlite3_bind_int64(st, i, v);
			else
				sqlite3_bind_null(st, i);
			break;
		}
		default: {
			const char *s = va_arg(ap, const char *);
			if (s)
				sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
			else
				sqlite3_bind_null(st, i);
			break;
		}
		}
	}
	va_end(ap);
	char uuid[37];
	if (r) {
		util_uuid(uuid);
		sqlite3_bind_text(st, i, uuid, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, i + 1, r->version);
		sqlite3_bind_text(st, i + 2, r->cat, -1, SQLITE_STATIC);
		if (r->cby > 0)
			sqlite3_bind_int64(st, i + 3, r->cby);
		sqlite3_bind_text(st, i + 4, r->uat, -1, SQLITE_STATIC);
		if (r->uby > 0)
			sqlite3_bind_int64(st, i + 5, r->uby);
	}
	g->rc = dbi_step_done(g->db, st, g->err);
	return g->rc;
}

static int64_t last_id(struct gen *g)
{
	return sqlite3_last_insert_rowid(g->db->h);
}

#define REC_NAMES "uuid, version, created_at, created_by, updated_at, updated_by"

/* ---- Users and the calendar ---- */

static int make_users(struct gen *g)
{
	for (int i = 0; i < U_COUNT && !g->rc; i++)
		g->rc = db_user_add(g->db, NULL, logins[i].username, logins[i].full_name,
		                    logins[i].role, logins[i].password, "sq", &g->uid[i], g->err);
	/* The staff were there before the first family came. */
	char at[20];
	iso_ts(g->first_day - 30, 9 * 60, 0, at);
	for (int i = 0; i < U_COUNT && !g->rc; i++)
		put(g, "UPDATE app_user SET created_at = ?1, updated_at = ?1 WHERE id = ?2", NULL,
		    "tI", at, g->uid[i]);
	return g->rc;
}

static int make_closures(struct gen *g)
{
	g->cal_lo = g->first_day - 400;
	g->cal_n = g->today + 200 - g->cal_lo;
	g->closed = xcalloc((size_t)g->cal_n, 1);
	int y0 = ymd_of(g->cal_lo).y, y1 = ymd_of(g->cal_lo + g->cal_n - 1).y;
	for (int y = y0; y <= y1; y++) {
		for (int h = 0; h < LEN(holidays); h++) {
			int day = day_of(y, holidays[h].m, holidays[h].d);
			/* Today stays open, so today's class and appointments exist. */
			if (day == g->today || day < g->cal_lo || day >= g->cal_lo + g->cal_n)
				continue;
			g->closed[day - g->cal_lo] = 1;
			if (day < g->first_day - 30)
				continue; /* only the calendar, no row, before the centre opened */
			char iso[11];
			struct rec r;
			iso_day(day, iso);
			int made = day - 40 < g->first_day - 30 ? g->first_day - 30 : day - 40;
			if (made > g->last_day)
				made = g->last_day;
			rec_at(g, &r, made, 10 * 60, U_DRITA);
			put(g,
			    "INSERT INTO closure(day, reason, " REC_NAMES
			    ") VALUES (?1, ?2, ?3, ?4, ?5,"
			    " ?6, ?7, ?8) ON CONFLICT(day) DO NOTHING",
			    &r, "tt", iso, holidays[h].reason);
		}
	}
	return g->rc;
}

/* ---- Families and their members ---- */

static struct per *new_person(struct gen *g, int fam)
{
	if (g->nper == g->capper) {
		g->capper = g->capper ? g->capper * 2 : 1024;
		g->per = xrealloc(g->per, sizeof *g->per * (size_t)g->capper);
	}
	struct per *p = &g->per[g->nper++];
	memset(p, 0, sizeof *p);
	p->id = g->next_pid++;
	p->fam = fam;
	p->risk = -1;
	return p;
}

static void set_birth(struct gen *g, struct per *p, int reg, int age)
{
	p->birth = reg - age * 365 - age / 4 - rnd(&g->r, 365);
	p->b = ymd_of(p->birth);
}

static const char *first_name(struct gen *g, char sex)
{
	return sex == 'F' ? PICK(&g->r, female_names) : PICK(&g->r, male_names);
}

/* Albanian mobile: display "069 123 4567", stored normalised "35569xxxxxxx". */
static void make_phone(struct gen *g, char disp[16], char norm[16])
{
	int op = 7 + rnd(&g->r, 3);
	int a = rnd(&g->r, 1000), b = rnd(&g->r, 10000);
	snprintf(disp, 16, "06%d %03d %04d", op, a, b);
	snprintf(norm, 16, "3556%d%03d%04d", op, a, b);
}

static bool nid_taken(struct gen *g, uint64_t key)
{
	for (int i = 0; i < g->nnid; i++)
		if (g->nids[i] == key)
			return true;
	if (g->nnid == g->capnid) {
		g->capnid = g->capnid ? g->capnid * 2 : 256;
		g->nids = xrealloc(g->nids, sizeof *g->nids * (size_t)g->capnid);
	}
	g->nids[g->nnid++] = key;
	return false;
}

/*
 * An Albanian personal number: a letter for the decade of birth, the year's
 * last digit, month (+50 for women), day, a 3-digit serial and a check
 * letter. Unique within the demo.
 */
static void make_nid(struct gen *g, const struct per *p, char out[11])
{
	int dec = (p->b.y - 1800) / 10;
	char l0 = (char)('A' + (dec < 0 ? 0 : dec > 25 ? 25 : dec));
	int mm = p->b.m + (p->sex == 'F' ? 50 : 0);
	for (int serial = rnd(&g->r, 1000);; serial = (serial + 1) % 1000) {
		char d[9];
		snprintf(d, sizeof d, "%u%02u%02u%03u", (unsigned)p->b.y % 10u, (unsigned)mm % 100u,
		         (unsigned)p->b.d % 100u, (unsigned)serial % 1000u);
		uint64_t key = (uint64_t)l0 << 40 | (uint64_t)strtoul(d, NULL, 10);
		if (nid_taken(g, key))
			continue;
		int sum = l0;
		for (int i = 0; i < 8; i++)
			sum += (d[i] - '0') * (i + 2);
		snprintf(out, 11, "%c%.8s%c", l0, d, 'A' + sum % 23);
		return;
	}
}

static const char *const person_sql =
    "INSERT INTO person(id, family_id, first_name, father_name, last_name, name_fold, sex,"
    " birth_date, birth_year, birth_estimated, relation, nid, phone, phone_norm, school_name,"
    " school_grade, school_status, disability, notes, " REC_NAMES ")"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, ?21, ?22, ?23, ?24, ?25)";

/* School status, school and grade of a person from their age today. */
static void school_of(struct gen *g, struct per *p, const struct fam *f, char school[96],
                      int *grade)
{
	int age = age_at(p->b, g->ty);
	school[0] = '\0';
	*grade = -1;
	if (age < 6 || age > 18 || p->rel == REL_HEAD || p->rel == REL_SPOUSE) {
		p->school = SCH_NONE;
		return;
	}
	static const int w_young[] = {82, 10, 5, 3}, w_old[] = {70, 12, 15, 3};
	p->school = (char)pick_w(&g->r, age >= 15 ? w_old : w_young, 4);
	if (p->school == SCH_NEVER)
		return;
	*grade = age - 5 > 12 ? 12 : age - 5;
	if (p->school == SCH_DROPPED)
		*grade -= rrange(&g->r, 1, 3);
	if (*grade < 1)
		*grade = 1;
	if (*grade <= 9)
		snprintf(school, 96, "Shkolla 9-vjeçare %s", munis[f->muni].units[f->unit].name);
	else
		snprintf(school, 96, "%s, %s", munis[f->muni].gymnasium, munis[f->muni].city);
}

static int insert_person(struct gen *g, struct per *p, const struct fam *f, const char *father,
                         const struct rec *r, char phone_out[16], char norm_out[16])
{
	char name[256], fold[512], bdate[11], nid[11], phone[16] = "", norm[16] = "", school[96];
	int grade;
	snprintf(name, sizeof name, "%s %s", p->first, p->last);
	db_fold(name, fold, sizeof fold);
	int age = age_at(p->b, g->ty);
	/* Some birth dates are only an estimated year, more often for adults. */
	bool estimated = permil(&g->r, age >= 18 ? 120 : 40);
	iso_day(p->birth, bdate);
	bool adult = age >= 18;
	int phone_pm = p->rel == REL_HEAD ? 650 : p->rel == REL_SPOUSE ? 350 : age >= 15 ? 200 : 0;
	if (permil(&g->r, phone_pm))
		make_phone(g, phone, norm);
	nid[0] = '\0';
	if (adult && !estimated && permil(&g->r, 60))
		make_nid(g, p, nid);
	school_of(g, p, f, school, &grade);
	const char *dis = permil(&g->r, 30) ? PICK(&g->r, disabilities) : NULL;
	const char *note = permil(&g->r, 50) ? PICK(&g->r, person_notes) : NULL;
	put(g, person_sql, r, "IIttttttuitttttuttt", p->id, f->id, p->first, father, p->last, fold,
	    p->sex == 'F' ? "F" : "M", estimated ? NULL : bdate, (int64_t)p->b.y, estimated ? 1 : 0,
	    relations[(int)p->rel], nid[0] ? nid : NULL, phone[0] ? phone : NULL,
	    norm[0] ? norm : NULL, school[0] ? school : NULL, (int64_t)(grade >= 0 ? grade : 0),
	    school_statuses[(int)p->school], dis, note);
	if (phone_out) {
		memcpy(phone_out, phone, 16);
		memcpy(norm_out, norm, 16);
	}
	return g->rc;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static void add_ref(struct gen *g, int per, int day, int svc)
{
	if (g->nref == g->capref) {
		g->capref = g->capref ? g->capref * 2 : 256;
		g->refs = xrealloc(g->refs, sizeof *g->refs * (size_t)g->capref);
	}
	g->refs[g->nref] = (struct ref){day, per, svc, g->nref};
	g->nref++;
}

/* One risk screening of a person (per >= 0) or of the family. */
static int screening(struct gen *g, const struct fam *f, int per, int day, int staff)
{
	int present[NFACTORS], score = 0;
	int lvl = f->risk;
	if (per >= 0 && g->per[per].school == SCH_DROPPED && lvl < 2)
		lvl++;
	for (int i = 0; i < NFACTORS; i++) {
		int pm = factor_pm[lvl][i];
		if (i == 10 && f->muni == 0)
			pm *= 2; /* blood feuds are a Shkodër matter */
		present[i] = permil(&g->r, pm);
		if (i == 9 && per >= 0)
			present[i] = g->per[per].school == SCH_DROPPED;
		score += present[i];
	}
	int computed = score >= 4 ? 2 : score >= 2 ? 1 : 0, level = computed;
	const char *why = NULL;
	if (permil(&g->r, 30)) {
		level = computed == 2 ? 1 : computed + 1;
		why = PICK(&g->r, override_reasons);
	}
	char on[11], due[11];
	iso_day(day, on);
	iso_day(day + 182, due);
	struct rec r;
	rec_at(g, &r, day, office_minute(g, day, 9 * 60, 16 * 60), staff);
	put(g,
	    "INSERT INTO screening(person_id, family_id, screened_on, staff_id, score, "
	    "level_computed,"
	    " level, override_reason, rescreen_due, " REC_NAMES ") VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
	    &r, "uutIitttt", per >= 0 ? g->per[per].id : (int64_t)0, per >= 0 ? (int64_t)0 : f->id,
	    on, g->uid[staff], score, levels[computed], levels[level], why, due);
	int64_t sid = last_id(g);
	for (int i = 0; i < NFACTORS; i++)
		put(g,
		    "INSERT INTO screening_factor(screening_id, factor, present, weight, note)"
		    " VALUES (?1, ?2, ?3, 1, ?4)",
		    NULL, "Itit", sid, factors[i], present[i],
		    present[i] && pct(&g->r, 30) ? PICK(&g->r, factor_notes) : NULL);
	if (per >= 0)
		g->per[per].risk = (char)level;
	return g->rc;
}

static int visit(struct gen *g, int per, int day)
{
	static const int staff_w[] = {15, 60, 12, 13}; /* drita, arben, elira, gent */
	int pu = pick_w(&g->r, purpose_w, LEN(purpose_w));
	int staff = pick_w(&g->r, staff_w, 4);
	int minute = office_minute(g, day, 8 * 60, 16 * 60);
	char at[20];
	iso_ts(day, minute, rnd(&g->r, 60), at);
	struct rec r;
	rec_at(g, &r, day, minute, staff);
	memcpy(r.cat, at, sizeof at);
	memcpy(r.uat, at, sizeof at);
	return put(g,
	           "INSERT INTO visit(person_id, at, purpose, staff_id, note, " REC_NAMES ")"
	           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	           &r, "IttIt", g->per[per].id, at, purposes[pu], g->uid[staff],
	           pct(&g->r, 35) ? visit_notes[pu][rnd(&g->r, 3)] : NULL);
}

static int family(struct gen *g, int fi, int reg, int (*seq)[3])
{
	struct fam *f = &g->fam[fi];
	struct rng *r = &g->r;
	static const int muni_w[] = {45, 30, 25};
	static const int size_w[] = {12, 20, 26, 22, 13, 7}; /* 2..7 members */
	f->reg = reg;
	f->muni = pick_w(r, muni_w, 3);
	const struct muni *m = &munis[f->muni];
	f->unit = rnd(r, m->nunits);
	f->risk = pick_w(r, (const int[]){55, 30, 15}, 3);
	f->staff = pct(r, 80) ? U_ARBEN : U_DRITA;
	f->first = g->nper;
	f->active = true;
	f->end = g->last_day;
	const char *surname = m->surnames[rnd(r, m->nsurnames)];
	int size = 2 + pick_w(r, size_w, LEN(size_w));

	/* The household: head, maybe a spouse and a grandparent, children. */
	char head_sex = pct(r, 78) ? 'M' : 'F';
	int left = size - 1;
	bool spouse = left > 0 && pct(r, 85);
	bool grandparent = left - spouse >= 3 && pct(r, 25);
	/* The mother is old enough for her children, two years apart or so. */
	int kids = left - spouse - grandparent;
	int mother_min = 19 + 2 * kids > 60 ? 60 : 19 + 2 * kids;
	int head_age = rrange(r, 24, 62);
	if ((head_sex == 'F' || !spouse) && head_age < mother_min)
		head_age = mother_min;
	struct per *head = new_person(g, fi);
	head->sex = head_sex;
	head->rel = REL_HEAD;
	head->first = first_name(g, head_sex);
	head->last = surname;
	set_birth(g, head, reg, head_age);
	int mother_age = head_sex == 'F' ? head_age : -1;
	const char *father_first = head_sex == 'M' ? head->first : NULL;
	if (spouse) {
		struct per *s = new_person(g, fi);
		s->sex = head_sex == 'M' ? 'F' : 'M';
		s->rel = REL_SPOUSE;
		s->first = first_name(g, s->sex);
		s->last = s->sex == 'F' && pct(r, 30) ? m->surnames[rnd(r, m->nsurnames)] : surname;
		int age = head_age + (head_sex == 'M' ? -rrange(r, 0, 8) : rrange(r, 0, 8));
		if (age < 19)
			age = 19;
		if (s->sex == 'F' && age < mother_min)
			age = mother_min;
		set_birth(g, s, reg, age);
		if (s->sex == 'F')
			mother_age = age;
		else
			father_first = s->first;
		left--;
	}
	if (mother_age < 0)
		mother_age = head_age;
	if (grandparent) {
		struct per *gp = new_person(g, fi);
		gp->sex = pct(r, 60) ? 'F' : 'M';
		gp->rel = REL_PARENT;
		gp->first = first_name(g, gp->sex);
		gp->last = surname;
		int age = head_age + rrange(r, 20, 30);
		set_birth(g, gp, reg, age > 92 ? 92 : age);
		left--;
	}
	/* Children from the oldest down, a year or more apart (twins when crowded). */
	int oldest = mother_age - 18 > 22 ? 22 : mother_age - 18;
	int kid_age = rrange(r, 2 * (left - 1) < oldest ? 2 * (left - 1) : oldest, oldest);
	int kid_birth = reg - kid_age * 365 - kid_age / 4 - rnd(r, 365);
	for (int c = 0; c < left; c++) {
		struct per *k = new_person(g, fi);
		k->sex = pct(r, 50) ? 'F' : 'M';
		k->rel = head_age > 50 && c == left - 1 && pct(r, 40) ? REL_GRANDCHILD : REL_CHILD;
		k->first = first_name(g, k->sex);
		for (int t = 0; t < 3; t++) { /* siblings rarely share a name */
			bool dup = false;
			for (int j = f->first; j < g->nper - 1; j++)
				dup |= g->per[j].first == k->first;
			if (!dup)
				break;
			k->first = first_name(g, k->sex);
		}
		k->last = surname;
		if (k->rel == REL_GRANDCHILD) {
			set_birth(g, k, reg, rrange(r, 0, 6));
		} else {
			k->birth = kid_birth < reg ? kid_birth : reg - rnd(r, 30);
			k->b = ymd_of(k->birth);
			kid_birth += rrange(r, 330, 900);
		}
	}
	f->n = g->nper - f->first;
	head = &g->per[f->first]; /* new_person may have moved the array */

	/* Some families closed or moved away a while after registering. */
	int status = 0;
	int closed_on = 0;
	if (g->last_day - reg > 240 && pct(r, 10)) {
		status = pct(r, 60) ? 1 : 2;
		closed_on = workday_back(g, rrange(r, reg + 180, g->last_day - 30), reg + 1);
		f->active = false;
		f->end = closed_on;
	}

	/* The family code counts up per municipality and year of registration. */
	struct ymd ry = ymd_of(reg);
	int yi = ry.y - ymd_of(g->first_day).y;
	char code[24];
	snprintf(code, sizeof code, "%s-%04d-%04d", m->prefix, ry.y % 10000,
	         ++seq[yi][f->muni] % 100000);

	struct rec rr;
	int reg_min = office_minute(g, reg, 9 * 60, 15 * 60 + 30);
	rec_at(g, &rr, reg, reg_min, f->staff);
	const struct unit *u = &m->units[f->unit];
	int np = 0;
	while (u->places[np])
		np++;
	char addr[160], regday[11];
	snprintf(addr, sizeof addr, "%s, nr. %d", u->places[rnd(r, np)], rrange(r, 1, 120));
	iso_day(reg, regday);

	/* The family row; its phone (the head's or spouse's) follows the members. */
	struct rec fr = rr;
	const char *why = NULL;
	if (status) {
		why = close_reasons[status - 1][rnd(r, 2)];
		rec_update(g, &fr, closed_on, office_minute(g, closed_on, 9 * 60, 16 * 60),
		           f->staff);
	}
	/* Insert the family with the head's id (the foreign key is deferred). */
	char hphone[16] = "", hnorm[16] = "";
	put(g,
	    "INSERT INTO family(code, municipality, admin_unit, address, phone, phone_norm,"
	    " head_person_id, identified_by, reg_date, reg_staff, status, close_reason, " REC_NAMES
	    ") VALUES (?1, ?2, ?3, ?4, NULL, NULL, ?5, ?6, ?7, ?8, ?9, ?10,"
	    " ?11, ?12, ?13, ?14, ?15, ?16)",
	    &fr, "ttttIttItt", code, m->key, u->name, addr, head->id,
	    identified[pick_w(r, identified_w, LEN(identified_w))], regday, g->uid[f->staff],
	    status == 0   ? "active"
	    : status == 1 ? "closed"
	                  : "moved_away",
	    why);
	f->id = last_id(g);

	const char *father_of_children = father_first ? father_first : PICK(r, male_names);
	for (int i = f->first; i < g->nper && !g->rc; i++) {
		struct per *p = &g->per[i];
		struct rec pr;
		rec_at(g, &pr, reg, reg_min + (i - f->first), f->staff);
		memcpy(pr.cat, rr.cat, sizeof pr.cat);
		memcpy(pr.uat, rr.cat, sizeof pr.uat);
		const char *father = p->rel == REL_CHILD ? father_of_children : PICK(r, male_names);
		if (p->rel == REL_GRANDCHILD)
			father = PICK(r, male_names);
		char ph[16], pn[16];
		insert_person(g, p, f, pct(r, 97) ? father : NULL, &pr, ph, pn);
		if (!hphone[0] && ph[0] && (p->rel == REL_HEAD || p->rel == REL_SPOUSE)) {
			memcpy(hphone, ph, sizeof hphone);
			memcpy(hnorm, pn, sizeof hnorm);
		}
	}
	if (hphone[0])
		put(g, "UPDATE family SET phone = ?1, phone_norm = ?2 WHERE id = ?3", NULL, "ttI",
		    hphone, hnorm, f->id);

	/* Consent, given by the head on registration (a few never signed). */
	f->consent = pct(r, 95);
	if (f->consent) {
		static const char *const extra[] = {
		    "health", "education", "legal_aid", "employment", "police", "shelter", "other"};
		char scope[160] = "social_services";
		for (int i = 0; i < LEN(extra); i++)
			if (pct(r, i < 2 ? 80 : 35)) {
				strcat(scope, " ");
				strcat(scope, extra[i]);
			}
		char by[256], withdrawn[11];
		snprintf(by, sizeof by, "%s %s", head->first, head->last);
		bool wd = pct(r, 1) && g->last_day - reg > 60;
		int wday = wd ? rrange(r, reg + 30, g->last_day) : 0;
		iso_day(wday, withdrawn);
		struct rec cr = rr;
		if (wd)
			rec_update(g, &cr, wday, 11 * 60, f->staff);
		put(g,
		    "INSERT INTO consent(family_id, given_on, given_by_person_id,"
		    " given_by_name, scope, withdrawn_on, " REC_NAMES ")"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
		    &cr, "ItIttt", f->id, regday, head->id, by, scope, wd ? withdrawn : NULL);
	}

	/* Screenings: the family on registration, children at risk every half year. */
	if (pct(r, 70))
		screening(g, f, -1, reg, f->staff);
	for (int i = f->first; i < g->nper && !g->rc; i++) {
		struct per *p = &g->per[i];
		int age = age_at(p->b, ymd_of(reg));
		if (age < 3 || age > 24)
			continue;
		int pm = f->risk == 0 ? 150 : f->risk == 1 ? 450 : 700;
		if (!permil(r, pm))
			continue;
		int day = workday_back(g, reg + rrange(r, 0, 20), reg);
		for (int k = 0; k < 5 && day <= f->end && !g->rc; k++) {
			screening(g, f, i, day, pct(r, 75) ? U_ARBEN : U_DRITA);
			day = workday_back(g, day + rrange(r, 170, 200), day + 1);
		}
	}

	/* Visits to the centre, until the family closed. */
	int nvis = rnd(r, 6) + (f->risk > 0 ? rnd(r, 3) : 0);
	for (int v = 0; v < nvis && !g->rc; v++) {
		int day = workday_back(g, rrange(r, reg, f->end), reg);
		if (day > g->last_day)
			continue;
		visit(g, f->first + rnd(r, f->n), day);
	}

	/* Referrals wished for (made later, sorted by date, so codes count up). */
	int pref = f->risk == 2 ? 70 : f->risk == 1 ? 35 : 15;
	if (pct(r, pref)) {
		int nref = pct(r, 30) ? 2 : 1;
		for (int k = 0; k < nref; k++) {
			int day = workday_back(g, rrange(r, reg, f->end), reg);
			int per = f->first + rnd(r, f->n);
			add_ref(g, per, day, pick_w(r, service_w, LEN(service_w)));
		}
	}
	return g->rc;
}

static int make_families(struct gen *g)
{
	int *regs = xmalloc(sizeof *regs * (size_t)g->nfam);
	for (int i = 0; i < g->nfam; i++)
		regs[i] = workday_back(g, rrange(&g->r, g->first_day, g->last_day), g->first_day);
	qsort(regs, (size_t)g->nfam, sizeof *regs, cmp_int);
	int years = g->ty.y - ymd_of(g->first_day).y + 1;
	int(*seq)[3] = xcalloc((size_t)years, sizeof *seq);
	for (int i = 0; i < g->nfam && !g->rc; i++)
		family(g, i, regs[i], seq);
	int y0 = ymd_of(g->first_day).y;
	for (int y = 0; y < years && !g->rc; y++)
		for (int m = 0; m < 3; m++)
			if (seq[y][m])
				put(g,
				    "INSERT INTO family_code_seq(prefix, year, last)"
				    " VALUES (?1, ?2, ?3) ON CONFLICT(prefix, year)"
				    " DO UPDATE SET last = max(last, excluded.last)",
				    NULL, "tii", munis[m].prefix, y0 + y, seq[y][m]);
	free(seq);
	free(regs);
	return g->rc;
}

/* ---- Anonymous walk-ins ---- */

static int make_tallies(struct gen *g)
{
	/* About one and a half a day for a small centre, more for a big one. */
	int scale = g->nfam / 300;
	scale = scale < 1 ? 1 : scale > 10 ? 10 : scale;
	static const int band_w[] = {5, 15, 20, 25, 20, 15};
	for (int day = g->first_day; day <= g->last_day && !g->rc; day++) {
		if (!workday(g, day))
			continue;
		int n = rnd(&g->r, 4) * scale;
		for (int k = 0; k < n && !g->rc; k++) {
			int staff = pct(&g->r, 75) ? U_ARBEN : U_DRITA;
			int minute = office_minute(g, day, 8 * 60, 16 * 60);
			struct rec r;
			rec_at(g, &r, day, minute, staff);
			put(g,
			    "INSERT INTO visit_tally(at, sex, age_band, purpose, "
			    "staff_id, " REC_NAMES ")"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
			    &r, "ttttI", r.cat, pct(&g->r, 55) ? "F" : "M",
			    age_bands[pick_w(&g->r, band_w, 6)],
			    purposes[pick_w(&g->r, purpose_w, LEN(purpose_w))], g->uid[staff]);
		}
	}
	return g->rc;
}

/* ---- Referrals ---- */

static int cmp_ref(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;
	if (x->day != y->day)
		return (x->day > y->day) - (x->day < y->day);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

enum { RS_REFERRED, RS_ACCEPTED, RS_DECLINED, RS_COMPLETED, RS_REVOKED, RS_NORESPONSE };
static const char *const ref_status[] = {"referred",  "accepted", "declined",
                                         "completed", "revoked",  "no_response"};

static int ref_event(struct gen *g, int64_t rid, int day, int from, int to, const char *note,
                     int user)
{
	char at[20];
	iso_ts(day, office_minute(g, day, 9 * 60, 16 * 60), rnd(&g->r, 60), at);
	return put(
	    g,
	    "INSERT INTO referral_event(referral_id, at, from_status, to_status, note, user_id)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	    NULL, "IttttI", rid, at, from >= 0 ? ref_status[from] : NULL, ref_status[to], note,
	    g->uid[user]);
}

static int make_referrals(struct gen *g)
{
	if (g->nref > 1)
		qsort(g->refs, (size_t)g->nref, sizeof *g->refs, cmp_ref);
	int year = 0, count = 0;
	for (int i = 0; i < g->nref && !g->rc; i++) {
		struct ref *x = &g->refs[i];
		struct rng *r = &g->r;
		const struct per *p = &g->per[x->per];
		const struct fam *f = &g->fam[p->fam];
		struct ymd dy = ymd_of(x->day);
		if (dy.y != year) {
			year = dy.y;
			count = 0;
		}
		char code[24], on[11], due[11], org[200];
		snprintf(code, sizeof code, "REF-%04d-%05d", year % 10000, ++count % 100000);
		iso_day(x->day, on);
		iso_day(x->day + 14, due);
		fill(org, sizeof org, organisations[x->svc][rnd(r, 2)],
		     x->svc == 1 ? munis[f->muni].units[f->unit].name : munis[f->muni].name);

		/* Where it got to depends on its age. */
		int age = g->last_day - x->day, st;
		if (age < 14)
			st = pick_w(r, (const int[]){80, 15, 5, 0, 0, 0}, 6);
		else if (age < 60)
			st = pick_w(r, (const int[]){15, 30, 10, 25, 5, 15}, 6);
		else
			st = pick_w(r, (const int[]){5, 10, 12, 55, 5, 13}, 6);
		int path[3] = {RS_REFERRED, -1, -1}, days[3] = {x->day, 0, 0}, np = 1;
		switch (st) {
		case RS_ACCEPTED:
		case RS_DECLINED:
		case RS_REVOKED:
			path[1] = st;
			days[1] = x->day + rrange(r, 2, 12);
			np = 2;
			break;
		case RS_COMPLETED:
			path[1] = RS_ACCEPTED;
			days[1] = x->day + rrange(r, 2, 10);
			path[2] = RS_COMPLETED;
			days[2] = days[1] + rrange(r, 14, 45);
			np = 3;
			break;
		case RS_NORESPONSE:
			path[1] = st;
			days[1] = x->day + 14 + rrange(r, 7, 30);
			np = 2;
			break;
		}
		for (int k = 1; k < np; k++) {
			if (days[k] > g->last_day)
				days[k] = g->last_day;
			if (days[k] < days[k - 1])
				days[k] = days[k - 1];
		}
		int staff = pct(r, 75) ? U_ARBEN : U_DRITA;
		struct rec rr;
		rec_at(g, &rr, x->day, office_minute(g, x->day, 9 * 60, 16 * 60), staff);
		for (int k = 1; k < np; k++)
			rec_update(g, &rr, days[k], office_minute(g, days[k], 9 * 60, 16 * 60),
			           staff);
		char status_on[11];
		iso_day(days[np - 1], status_on);
		const char *outcome = st == RS_COMPLETED  ? PICK(r, outcomes)
		                      : st == RS_DECLINED ? PICK(r, decline_notes)
		                                          : NULL;
		const char *revoke = st == RS_REVOKED ? PICK(r, revoke_reasons) : NULL;
		const char *override =
		    f->consent ? NULL : "Urgjencë: rrezik i menjëhershëm për fëmijën";
		put(g,
		    "INSERT INTO referral(code, person_id, service, organisation, reason,"
		    " referred_on, follow_up_due, status, status_on, outcome, revoke_reason,"
		    " consent_override, staff_id, " REC_NAMES
		    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		    " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
		    &rr, "tIttttttttttI", code, p->id, services[x->svc], org,
		    referral_reasons[x->svc][rnd(r, 3)], on, due, ref_status[st], status_on,
		    outcome, revoke, override, g->uid[staff]);
		int64_t rid = last_id(g);
		for (int k = 0; k < np; k++)
			ref_event(g, rid, days[k], k ? path[k - 1] : -1, path[k],
			          k == np - 1 ? (revoke ? revoke : outcome) : NULL, staff);
	}
	return g->rc;
}

/* ---- Activities ---- */

/* A random person aged lo..hi on `day` from a family registered by then; -1 if none found. */
static int pick_person(struct gen *g, int day, int lo, int hi, bool active_only)
{
	struct ymd on = ymd_of(day);
	for (int t = 0; t < 60; t++) {
		int i = rnd(&g->r, g->nper);
		const struct per *p = &g->per[i];
		const struct fam *f = &g->fam[p->fam];
		if (f->reg > day || f->end < day || (active_only && !f->active))
			continue;
		int age = age_at(p->b, on);
		if (age >= lo && age <= hi)
			return i;
	}
	return -1;
}

static int64_t activity(struct gen *g, int day, int type, int facilitator, int participants,
                        const char *title_override)
{
	struct rng *r = &g->r;
	char title[240], on[11];
	int muni = rnd(r, 3);
	const char *place = munis[muni].units[rnd(r, munis[muni].nunits)].name;
	if (title_override)
		snprintf(title, sizeof title, "%s", title_override);
	else
		fill(title, sizeof title, activity_titles[type][rnd(r, 4)], place);
	iso_day(day, on);
	struct rec rr;
	rec_at(g, &rr, day, office_minute(g, day, 15 * 60, 17 * 60), facilitator);
	put(g,
	    "INSERT INTO activity(held_on, title, type, facilitator_id, note, " REC_NAMES ")"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	    &rr, "tttIt", on, title, activity_types[type], g->uid[facilitator],
	    pct(r, 30) ? PICK(r, activity_notes) : NULL);
	int64_t aid = last_id(g);
	int lo = type == 3 ? 6 : 12, hi = type == 2 && pct(r, 30) ? 60 : 24;
	for (int k = 0; k < participants && !g->rc; k++) {
		int i = pick_person(g, day, lo, hi, false);
		if (i < 0)
			continue;
		sqlite3_stmt *st =
		    dbi_prep(g->db,
		             "INSERT OR IGNORE INTO activity_participant(activity_id,"
		             " person_id) VALUES (?1, ?2)",
		             g->err);
		if (!st)
			return g->rc = DB_ERR;
		sqlite3_bind_int64(st, 1, aid);
		sqlite3_bind_int64(st, 2, g->per[i].id);
		g->rc = dbi_step_done(g->db, st, g->err);
	}
	/* Anonymous counts for open events. */
	if (type == 0 || type == 3) {
		for (int s = 0; s < 2; s++)
			for (int b = type == 3 ? 0 : 2; b < 6; b++) {
				int n = rnd(r, type == 3 ? 25 : 10);
				if (n)
					put(g,
					    "INSERT INTO activity_count(activity_id, sex,"
					    " age_band, n) VALUES (?1, ?2, ?3, ?4)",
					    NULL, "Itti", aid, s ? "M" : "F", age_bands[b], n);
			}
	}
	return aid;
}

static int make_activities(struct gen *g)
{
	struct rng *r = &g->r;
	int scale = g->nfam / 300;
	scale = scale < 1 ? 1 : scale > 4 ? 4 : scale;
	static const int type_w[] = {30, 25, 15, 30};
	static const int fac[] = {U_ELIRA, U_GENT, U_ARBEN, U_DRITA};
	for (int day = g->first_day + rnd(r, 10); day <= g->last_day && !g->rc;
	     day += rrange(r, 6, 14) / scale + 1) {
		int d = workday_back(g, day, g->first_day);
		if (d > g->last_day)
			break;
		int type = pick_w(r, type_w, 4);
		activity(g, d, type, fac[rnd(r, 4)], rrange(r, 4, 15), NULL);
	}
	return g->rc;
}

/* ---- Counselling ---- */

static const char *const appt_types[] = {"psychosocial", "career", "family", "group"};
static const char *const appt_status[] = {"scheduled", "held", "no_show", "cancelled"};
/* Individual slots (09:00 .. 12:00) and the group slot (13:30). */
static const int slot_min[5] = {9 * 60, 10 * 60, 11 * 60, 12 * 60, 13 * 60 + 30};

static struct appt *new_appt(struct gen *g)
{
	if (g->nappt == g->capappt) {
		g->capappt = g->capappt ? g->capappt * 2 : 256;
		g->appts = xrealloc(g->appts, sizeof *g->appts * (size_t)g->capappt);
	}
	struct appt *a = &g->appts[g->nappt];
	memset(a, 0, sizeof *a);
	a->seq = g->nappt++;
	a->per = -1;
	a->series = -1;
	return a;
}

static int new_series(struct gen *g)
{
	if (g->nseries == g->capseries) {
		g->capseries = g->capseries ? g->capseries * 2 : 64;
		g->series = xrealloc(g->series, sizeof *g->series * (size_t)g->capseries);
	}
	util_uuid(g->series[g->nseries]);
	return g->nseries++;
}

static unsigned char *occ(struct gen *g, int c, int day)
{
	static unsigned char none = 0xff;
	int i = day - g->first_day;
	if (i < 0 || i >= g->occ_n)
		return &none;
	return &g->occ[c][i];
}

/* Status of an appointment on `day`: past ones held/no-show/cancelled. */
static void appt_outcome(struct gen *g, struct appt *a)
{
	if (a->day >= g->today) {
		a->status = a->day > g->today && pct(&g->r, 4) ? 3 : 0;
	} else {
		static const int w[] = {0, 80, 12, 8};
		a->status = pick_w(&g->r, w, 4);
	}
	if (a->status == 3)
		a->cancel = rnd(&g->r, LEN(cancel_reasons));
}

/* A weekly series for a client, in the counsellor's free slots. */
static void series(struct gen *g, int per, int c, int type, int start, int weeks)
{
	struct rng *r = &g->r;
	while (!workday(g, start) && start < g->today + 60)
		start++;
	int sidx = weeks > 1 ? new_series(g) : -1;
	int dur = pct(r, 50) ? 45 : 60, pref = rnd(r, 4);
	int booked = start - rrange(r, 1, 10);
	if (booked > g->last_day)
		booked = g->last_day;
	for (int w = 0, day = start; w < weeks; w++, day += 7) {
		if (!workday(g, day))
			continue;
		unsigned char *o = occ(g, c - U_ELIRA, day);
		for (int k = 0; k < 4; k++) {
			int s = (pref + k) % 4;
			if (*o & (1u << s))
				continue;
			*o |= (unsigned char)(1u << s);
			struct appt *a = new_appt(g);
			a->day = day;
			a->minute = slot_min[s];
			a->dur = dur;
			a->counsellor = c;
			a->per = per;
			a->type = type;
			a->booked = booked;
			a->series = sidx;
			appt_outcome(g, a);
			break;
		}
	}
	g->per[per].busy = true;
}

/* A counselling group: an activity, its participants and weekly sessions in the hall. */
static void group(struct gen *g, int c, int start, int weeks)
{
	int wd = c == U_ELIRA ? 1 : 3; /* Tuesday / Thursday */
	while (db_day_weekday(start) != wd)
		start++;
	int first = start;
	while (!workday(g, first))
		first += 7;
	if (first > g->last_day)
		return;
	int64_t aid = activity(g, first, 2, c, rrange(&g->r, 6, 10), NULL);
	int sidx = new_series(g);
	for (int w = 0, day = first; w < weeks; w++, day += 7) {
		if (!workday(g, day))
			continue;
		unsigned char *o = occ(g, c - U_ELIRA, day);
		if (*o & 0x10)
			continue;
		*o |= 0x10;
		struct appt *a = new_appt(g);
		a->day = day;
		a->minute = slot_min[4];
		a->dur = 90;
		a->counsellor = c;
		a->activity_id = aid;
		a->type = 3;
		a->booked = first - 5 > g->last_day ? g->last_day : first - 5;
		a->series = sidx;
		appt_outcome(g, a);
	}
}

static int cmp_appt(const void *a, const void *b)
{
	const struct appt *x = a, *y = b;
	if (x->day != y->day)
		return (x->day > y->day) - (x->day < y->day);
	if (x->minute != y->minute)
		return (x->minute > y->minute) - (x->minute < y->minute);
	if (x->counsellor != y->counsellor)
		return (x->counsellor > y->counsellor) - (x->counsellor < y->counsellor);
	return (x->seq > y->seq) - (x->seq < y->seq);
}

/* A client for a booking today: someone not yet in counselling, else anyone. */
static int free_client(struct gen *g)
{
	for (int t = 0; t < 200; t++) {
		int i = pick_person(g, g->today, 8, 40, true);
		if (i >= 0 && !g->per[i].busy)
			return i;
	}
	for (int i = 0; i < g->nper; i++)
		if (!g->per[i].busy && g->fam[g->per[i].fam].active)
			return i;
	return -1;
}

static int make_counselling(struct gen *g)
{
	struct rng *r = &g->r;
	g->occ_n = g->today + 90 - g->first_day;
	g->occ[0] = xcalloc((size_t)g->occ_n, 1);
	g->occ[1] = xcalloc((size_t)g->occ_n, 1);

	/* Groups: one every four months or so, the last one running now. */
	int turn = 0;
	for (int day = g->first_day + 20; day < g->today - 60; day += rrange(r, 100, 140))
		group(g, turn++ % 2 ? U_GENT : U_ELIRA, day, 8);
	group(g, U_ELIRA, g->today - 28, 8);
	group(g, U_GENT, g->today - 21, 8);

	/* Individual clients: children and young people of families at risk. */
	int *cand = xmalloc(sizeof *cand * (size_t)(g->nper + 1));
	int nc = 0;
	for (int i = 0; i < g->nper; i++) {
		const struct per *p = &g->per[i];
		int age = age_at(p->b, g->ty);
		if (age < 8 || age > 30)
			continue;
		if (p->risk >= 1 || g->fam[p->fam].risk >= 1 || pct(r, 10))
			cand[nc++] = i;
	}
	shuffle(r, cand, nc);
	for (int k = 0; k < nc && !g->rc; k++) {
		int i = cand[k];
		const struct per *p = &g->per[i];
		const struct fam *f = &g->fam[p->fam];
		if (!pct(r, 45))
			continue;
		int age = age_at(p->b, g->ty);
		int c = pct(r, 55) ? U_ELIRA : U_GENT;
		int type = age >= 15 && pct(r, 30) ? 1 : pct(r, 25) ? 2 : 0;
		int lo = f->reg + 3 > g->first_day ? f->reg + 3 : g->first_day;
		int hi = f->active ? g->today + 21 : f->end - 7;
		if (hi < lo)
			continue;
		series(g, i, c, type, rrange(r, lo, hi), rrange(r, 3, 10));
	}
	free(cand);

	/* Several today for Elira (and a couple for Gent), whatever the day. */
	for (int c = 0; c < 2; c++) {
		int want = c == 0 ? 4 : 2, have = 0;
		unsigned char *o = &g->occ[c][g->today - g->first_day];
		for (int s = 0; s < 4; s++)
			have += (*o >> s) & 1;
		for (int s = 0; s < 4 && have < want; s++) {
			if (*o & (1u << s))
				continue;
			int i = free_client(g);
			if (i < 0)
				break;
			*o |= (unsigned char)(1u << s);
			struct appt *a = new_appt(g);
			a->day = g->today;
			a->minute = slot_min[s];
			a->dur = 60;
			a->counsellor = U_ELIRA + c;
			a->per = i;
			a->type = 0;
			a->booked = g->last_day - rrange(r, 0, 7);
			a->status = 0;
			g->per[i].busy = true;
			have++;
		}
	}

	/* Insert in time order. */
	if (g->nappt > 1)
		qsort(g->appts, (size_t)g->nappt, sizeof *g->appts, cmp_appt);
	for (int k = 0; k < g->nappt && !g->rc; k++) {
		struct appt *a = &g->appts[k];
		char start[17], day[11];
		iso_day(a->day, day);
		unsigned mi = (unsigned)a->minute % 1440u;
		snprintf(start, sizeof start, "%.10s %02u:%02u", day, mi / 60u, mi % 60u);
		struct rec rr;
		int booked = a->booked < g->first_day - 30 ? g->first_day - 30 : a->booked;
		rec_at(g, &rr, booked, office_minute(g, booked, 8 * 60, 16 * 60), a->counsellor);
		if (a->status == 1 || a->status == 2)
			rec_update(g, &rr, a->day, a->minute + a->dur + 5, a->counsellor);
		else if (a->status == 3)
			rec_update(g, &rr, a->day > g->last_day ? g->last_day : a->day, 8 * 60,
			           a->counsellor);
		static const char *const rooms[] = {"room1", "room2"};
		put(g,
		    "INSERT INTO appointment(person_id, activity_id, counsellor_id, type, start_at,"
		    " duration_min, room, status, cancel_reason, series_uuid, " REC_NAMES ")"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		    " ?15, ?16)",
		    &rr, "uuIttitttt", a->per >= 0 ? g->per[a->per].id : (int64_t)0, a->activity_id,
		    g->uid[a->counsellor], appt_types[a->type], start, a->dur,
		    a->type == 3 ? "hall" : rooms[a->counsellor - U_ELIRA], appt_status[a->status],
		    a->status == 3 ? cancel_reasons[a->cancel] : NULL,
		    a->series >= 0 ? g->series[a->series] : NULL);
	}
	return g->rc;
}

/* ---- After-school classes ---- */

struct cdef {
	int teacher;
	int subject;
	const char *name;
	const char *room;
	unsigned wd;
	int start_min, dur;
};

struct enr {
	int per;
	int from, to; /* to = 0: stayed to the end */
	int absent_pm;
	bool streak;
	int run; /* unexcused absences in a row so far */
};

static int pool_for(struct gen *g, int term_start, int term_end, bool current, int *pool)
{
	struct ymd on = ymd_of(term_start);
	int n = 0;
	for (int i = 0; i < g->nper; i++) {
		struct per *p = &g->per[i];
		const struct fam *f = &g->fam[p->fam];
		if (p->rel != REL_CHILD && p->rel != REL_GRANDCHILD)
			continue;
		if (f->reg > term_start + 20 || f->end < (current ? g->last_day : term_end))
			continue;
		if (current && !f->active)
			continue;
		int age = age_at(p->b, on);
		if (age < 6 || age > 14 || p->school == SCH_NEVER)
			continue;
		pool[n++] = i;
	}
	shuffle(&g->r, pool, n);
	return n;
}

/*
 * One class of a term with its enrolments, sessions and roll calls. For the
 * current term: sessions up to yesterday, `streaks` children absent at the
 * last four sessions, and `noroll` recent meetings left without a roll
 * (negative: a 'held' row without marks instead of no row).
 */
static int one_class(struct gen *g, const struct cdef *cd, int ts, int te, bool current,
                     const int *kids, int want, int exact, int streaks, int noroll)
{
	struct rng *r = &g->r;
	char name[200], s0[11], s1[11];
	iso_day(ts, s0);
	iso_day(te, s1);
	if (current) {
		snprintf(name, sizeof name, "%s", cd->name);
	} else {
		struct ymd a = ymd_of(ts), b = ymd_of(te);
		snprintf(name, sizeof name, "%s (%02d.%04d–%02d.%04d)", cd->name, a.m % 100,
		         a.y % 10000, b.m % 100, b.y % 10000);
	}
	struct rec rr;
	int made = ts - 14 < g->first_day - 30 ? g->first_day - 30 : ts - 14;
	rec_at(g, &rr, made, 10 * 60, U_DRITA);
	put(g,
	    "INSERT INTO class(name, subject, teacher_id, room, weekdays, start_min, duration_min,"
	    " term_start, term_end, capacity, " REC_NAMES ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9, 30, ?10, ?11, ?12, ?13, ?14, ?15)",
	    &rr, "ttItiiitt", name, subjects[cd->subject], g->uid[cd->teacher], cd->room,
	    (int)cd->wd, cd->start_min, cd->dur, s0, s1);
	int64_t cid = last_id(g);

	/* Enrolments. */
	int n = 0;
	struct enr *e = xcalloc((size_t)(want + 1), sizeof *e);
	for (int k = 0; k < want; k++) {
		struct enr *x = &e[n++];
		x->per = kids[k];
		x->from = ts;
		bool fixed = n <= exact || n <= streaks;
		if (!fixed && pct(r, 15))
			x->from = ts + rrange(r, 7, 30);
		if (!fixed && pct(r, 8)) {
			int hi = current ? g->last_day - 3 : te - 7;
			if (hi > x->from + 10)
				x->to = rrange(r, x->from + 10, hi);
		}
		static const int abs_pm[] = {40, 150, 180, 100, 40};
		x->absent_pm = abs_pm[(int)g->per[x->per].school];
		x->streak = current && n <= streaks;
	}
	for (int k = 0; k < n && !g->rc; k++) {
		struct enr *x = &e[k];
		char from[11], to[11];
		iso_day(x->from, from);
		iso_day(x->to, to);
		struct rec er;
		int at = x->from - rrange(r, 1, 7);
		rec_at(g, &er, at < made ? made : at, 11 * 60, cd->teacher);
		if (x->to)
			rec_update(g, &er, x->to, 12 * 60, cd->teacher);
		put(g,
		    "INSERT INTO enrolment(class_id, person_id, from_date, to_date, "
		    "leave_reason, " REC_NAMES
		    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		    &er, "IIttt", cid, g->per[x->per].id, from, x->to ? to : NULL,
		    x->to ? PICK(r, leave_reasons) : NULL);
	}

	/* The meetings: the weekly pattern within the term, minus closures. */
	int last = current ? g->today - 1 : te;
	int nd = 0;
	int *dates = xmalloc(sizeof *dates * (size_t)(last - ts + 2));
	for (int d = ts; d <= last; d++)
		if ((cd->wd & (1u << db_day_weekday(d))) && !is_closed(g, d))
			dates[nd++] = d;
	/* 0 held, 1 cancelled, 2 no row, 3 held row without marks. */
	char *kind = xcalloc((size_t)nd + 1, 1);
	for (int k = 0; k < nd; k++)
		if (pct(r, 3) && !(current && dates[k] > g->today - 12))
			kind[k] = 1;
	if (current && noroll) {
		/* Recent meetings with no roll, before the last four held ones. */
		int left = noroll < 0 ? 1 : noroll, k = nd - 6;
		for (; k >= 0 && left > 0; k -= 2, left--)
			kind[k] = noroll < 0 ? 3 : 2;
	}
	/* Streak children are absent at the last four held sessions. */
	int streak_from = nd, held_seen = 0;
	for (int k = nd - 1; k >= 0 && held_seen < 4; k--)
		if (kind[k] == 0) {
			streak_from = k;
			held_seen++;
		}
	for (int k = 0; k < nd && !g->rc; k++) {
		int d = dates[k];
		if (kind[k] == 2)
			continue;
		char day[11];
		iso_day(d, day);
		struct rec sr;
		int end = cd->start_min + cd->dur;
		if (kind[k] == 1)
			rec_at(g, &sr, d, cd->start_min - rrange(r, 30, 300), cd->teacher);
		else
			rec_at(g, &sr, d, end + rrange(r, 0, 20), cd->teacher);
		put(g,
		    "INSERT INTO class_session(class_id, held_on, status, cancel_reason, "
		    "topic, " REC_NAMES ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		    &sr, "Itttt", cid, day, kind[k] == 1 ? "cancelled" : "held",
		    kind[k] == 1 ? PICK(r, session_cancel_reasons) : NULL,
		    kind[k] == 1 ? NULL : topics[cd->subject][rnd(r, 6)]);
		if (kind[k] != 0)
			continue;
		int64_t sid = last_id(g);
		for (int j = 0; j < n && !g->rc; j++) {
			struct enr *x = &e[j];
			if (x->from > d || (x->to && x->to < d))
				continue;
			char mark;
			if (x->streak && k >= streak_from)
				mark = 'A';
			else if (permil(r, x->absent_pm))
				mark = x->run >= 2 ? 'E' : 'A';
			else if (pct(r, 5))
				mark = 'L';
			else if (pct(r, 3))
				mark = 'E';
			else
				mark = 'P';
			if (mark == 'A')
				x->run++;
			else if (mark != 'E')
				x->run = 0;
			char m[2] = {mark, '\0'};
			put(g,
			    "INSERT INTO attendance(session_id, person_id, mark, note,"
			    " " REC_NAMES ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			    &sr, "IItt", sid, g->per[x->per].id, m,
			    mark == 'E' && pct(r, 50) ? "I sëmurë" : NULL);
		}
	}

	/* Past terms: a few children were flagged for dropout and staff acted. */
	if (!current && n > 0 && nd > 10) {
		int flags = rrange(r, 0, 2);
		for (int k = 0; k < flags && !g->rc; k++) {
			const struct enr *x = &e[rnd(r, n)];
			int d = dates[rrange(r, nd / 2, nd - 1)];
			char on[11];
			iso_day(d, on);
			static const char *const states[] = {"home_visit", "referred", "dismissed"};
			int stt = rnd(r, 3);
			struct rec fr;
			rec_at(g, &fr, d, 9 * 60 + rnd(r, 60), U_ARBEN);
			rec_update(g, &fr, d + rrange(r, 1, 5), 11 * 60, U_ARBEN);
			put(g,
			    "INSERT INTO dropout_flag(person_id, class_id, flagged_on, score,"
			    " reason, state, action_note, " REC_NAMES
			    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
			    " ?8, ?9, ?10, ?11, ?12, ?13)",
			    &fr, "IItittt", g->per[x->per].id, cid, on, rrange(r, 3, 6),
			    PICK(r, dropout_reasons), states[stt], dropout_actions[stt]);
		}
	}
	free(kind);
	free(dates);
	free(e);
	return g->rc;
}

/*
 * The four classes of a term from one shuffled pool: mathematics takes the
 * first children (30 now), homework the next ones (its hours overlap
 * mathematics on Tuesday or Thursday when mathematics meets today), while
 * Albanian and English, which start at 16:00, may share children with both.
 */
static int term_classes(struct gen *g, const struct cdef *defs, int ts, int te, bool current,
                        int *pool)
{
	struct rng *r = &g->r;
	int np = pool_for(g, ts, te, current, pool);
	int n0 = current ? 30 : rrange(r, 14, 24);
	n0 = n0 < np ? n0 : np;
	int n3 = rrange(r, current ? 15 : 10, current ? 25 : 20);
	n3 = n3 < np - n0 ? n3 : np - n0;
	int n1 = rrange(r, 12, 22), n2 = rrange(r, 12, 20);
	n1 = n1 < np ? n1 : np;
	n2 = n2 < np ? n2 : np;
	int *list = xmalloc(sizeof *list * (size_t)(np + 1));
	for (int k = 0; k < n1; k++) /* Albanian: from the end of the pool */
		list[k] = pool[np - 1 - k];
	one_class(g, &defs[0], ts, te, current, pool, n0, current ? 30 : 0, current ? 2 : 0,
	          current ? 2 : 0);
	one_class(g, &defs[1], ts, te, current, list, n1, 0, 0, current ? 1 : 0);
	for (int k = 0; k < n2; k++) /* English: from the middle */
		list[k] = pool[(np / 2 + k) % np];
	one_class(g, &defs[2], ts, te, current, list, n2, 0, current ? 1 : 0, current ? -1 : 0);
	one_class(g, &defs[3], ts, te, current, pool + n0, n3, 0, 0, 0);
	free(list);
	return g->rc;
}

static int make_classes(struct gen *g)
{
	unsigned today_bit = 1u << db_day_weekday(g->today);
	/* Mira's mathematics class meets today, whatever day today is. */
	const struct cdef cur[4] = {
	    {U_MIRA, SUBJ_MATHS, "Matematikë për klasat 4–6", "room1", 0x15u | today_bit,
	     14 * 60 + 30, 60},
	    {U_MIRA, SUBJ_ALBANIAN, "Gjuhë shqipe: lexim dhe shkrim", "room2", 0x0Au, 16 * 60, 60},
	    {U_BESNIK, SUBJ_ENGLISH, "Anglisht për fillestarë", "room2", 0x05u, 16 * 60, 60},
	    {U_BESNIK, SUBJ_HOMEWORK, "Ndihmë për detyrat e shtëpisë", "hall", 0x0Au, 14 * 60 + 30,
	     75},
	};
	int *pool = xmalloc(sizeof *pool * (size_t)(g->nper + 1));

	/* Past terms of 18 weeks with two weeks between, back to the start. */
	int cur_start = g->today - 70, cur_end = g->today + 56;
	int nterms = 0;
	for (int te = cur_start - 15; te - 125 >= g->first_day; te -= 140)
		nterms++;
	for (int t = nterms; t >= 1 && !g->rc; t--) {
		int tend = cur_start - 15 - (t - 1) * 140, tstart = tend - 125;
		struct cdef past[4];
		memcpy(past, cur, sizeof past);
		past[0].wd = 0x15u;
		if (t % 2) {
			past[3].subject = SUBJ_ARTS;
			past[3].name = "Art dhe punë dore";
		}
		term_classes(g, past, tstart, tend, false, pool);
	}
	/* The current term: Mira's mathematics class has exactly 30 children. */
	term_classes(g, cur, cur_start, cur_end, true, pool);
	free(pool);
	return g->rc;
}

/* ---- The whole ---- */

#define COUNT(t)                                                                                   \
	{                                                                                          \
		t, "SELECT count(*) FROM " t                                                       \
	}
static const struct {
	const char *table, *sql;
} counted[] = {
    COUNT("app_user"),
    COUNT("family"),
    COUNT("family_code_seq"),
    COUNT("person"),
    COUNT("consent"),
    COUNT("screening"),
    COUNT("screening_factor"),
    COUNT("visit"),
    COUNT("visit_tally"),
    COUNT("referral"),
    COUNT("referral_event"),
    COUNT("activity"),
    COUNT("activity_participant"),
    COUNT("activity_count"),
    COUNT("appointment"),
    COUNT("session_log"),
    COUNT("class"),
    COUNT("enrolment"),
    COUNT("class_session"),
    COUNT("attendance"),
    COUNT("dropout_flag"),
    COUNT("closure"),
    COUNT("audit"),
};

int64_t db_demo_rows(const struct db_demo_stats *stats, const char *table)
{
	for (int i = 0; stats && table && i < stats->ntables; i++)
		if (strcmp(stats->count[i].table, table) == 0)
			return stats->count[i].rows;
	return -1;
}

static int count_rows(struct qdb *db, struct db_demo_stats *stats, struct qerr *err)
{
	stats->ntables = 0;
	for (int i = 0; i < LEN(counted) && i < DB_DEMO_TABLES; i++) {
		sqlite3_stmt *st = NULL;
		int rc = sqlite3_prepare_v2(db->h, counted[i].sql, -1, &st, NULL);
		if (rc != SQLITE_OK) {
			sqlite3_finalize(st);
			return dbi_fail(db, rc, err);
		}
		int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		stats->count[stats->ntables].table = counted[i].table;
		stats->count[stats->ntables].rows = n;
		stats->ntables++;
	}
	return DB_OK;
}

static double mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int generate(struct gen *g)
{
	if (make_users(g) || make_closures(g) || make_families(g) || make_tallies(g) ||
	    make_referrals(g) || make_activities(g) || make_counselling(g) || make_classes(g))
		return g->rc;
	char detail[64];
	snprintf(detail, sizeof detail, "demo centre: %d families", g->nfam);
	return g->rc = db_audit(g->db, NULL, "demo_generate", "family", 0, detail, g->err);
}

int db_demo_generate(struct qdb *db, int families, uint64_t seed, struct db_demo_stats *stats,
                     struct qerr *err)
{
	double t0 = mono_seconds();
	if (families == 0)
		families = DB_DEMO_DEFAULT_FAMILIES;
	if (families < 0 || families > DB_DEMO_MAX_FAMILIES) {
		qerr_set(err, "err:demo_size", "%d (1..%d)", families, DB_DEMO_MAX_FAMILIES);
		return DB_INVALID;
	}
	util_uuid_seed(seed);
	struct gen g;
	memset(&g, 0, sizeof g);
	g.db = db;
	g.err = err;
	rng_seed(&g.r, seed);
	char today[11], now[20];
	util_today(today);
	util_now_str(now);
	long day;
	if (!db_day_from_iso(today, &day)) {
		qerr_set(err, "err:internal", "today %s", today);
		return DB_ERR;
	}
	g.today = (int)day;
	g.ty = ymd_of(g.today);
	g.now_min = atoi(now + 11) * 60 + atoi(now + 14);
	/* Work of today counts only once the office has been open a while. */
	g.last_day = g.now_min >= 9 * 60 ? g.today : g.today - 1;
	g.first_day = g.today - 4 * 365;
	g.nfam = families;
	g.fam = xcalloc((size_t)families, sizeof *g.fam);

	int rc = db_begin(db, err);
	if (rc)
		goto out;
	sqlite3_stmt *st = dbi_prep(db,
	                            "SELECT (SELECT count(*) FROM app_user) + (SELECT count(*)"
	                            " FROM family), (SELECT coalesce(max(id), 0) FROM person)",
	                            err);
	if (!st || sqlite3_step(st) != SQLITE_ROW) {
		rc = st ? dbi_fail(db, sqlite3_errcode(db->h), err) : DB_ERR;
		if (st)
			sqlite3_reset(st);
		db_rollback(db);
		goto out;
	}
	int64_t existing = sqlite3_column_int64(st, 0);
	g.next_pid = sqlite3_column_int64(st, 1) + 1;
	sqlite3_reset(st);
	if (existing > 0) {
		db_rollback(db);
		qerr_set(err, "err:demo_not_empty", NULL);
		rc = DB_CONFLICT;
		goto out;
	}
	/* A bigger page cache while the indexes grow; put back afterwards. */
	int64_t cache = -2000;
	st = dbi_prep(db, "PRAGMA cache_size", NULL);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		cache = sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	dbi_exec(db, "PRAGMA cache_size = -65536", NULL);
	/* The process-wide allocator settings (util_tune_malloc) matter here:
	 * every statement that fires a trigger allocates and frees a frame. */
	util_tune_malloc();

	rc = generate(&g);
	if (rc) {
		db_rollback(db);
	} else {
		rc = db_commit(db, err);
	}
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %lld", (long long)cache);
	dbi_exec(db, pragma, NULL);
	if (!rc && stats) {
		memset(stats, 0, sizeof *stats);
		rc = count_rows(db, stats, err);
		stats->seconds = mono_seconds() - t0;
	}
out:
	free(g.fam);
	free(g.per);
	free(g.refs);
	free(g.appts);
	free(g.series);
	free(g.nids);
	free(g.closed);
	free(g.occ[0]);
	free(g.occ[1]);
	return rc;
}
