"""The words and rules of the free-text red-flag detector (bot/triage/freetext.py), per language.

Everything a clinician needs to audit the detector is in this file:

- ``IDIOMS``: phrases rewritten before anything else (regular expressions on the lower-case,
  accent-free text). An idiom that means something harmless becomes ``_`` (« tombée enceinte »,
  "in slaap gevallen"); a euphemism becomes the plain word it stands for (« tombé dans les
  pommes » -> ``evanoui``, "in mijn broek gedaan" -> ``incontinent``).
- ``CONCEPTS``: named word groups. An entry matches a word that is the same word, has the same
  Snowball stem, starts with the entry (entries of five letters or more), ends with it (Dutch
  compounds, entries of five letters or more: ``prostaatkanker``), or is one typing error away
  (entries of five letters or more). ``=word`` matches that exact word only (short words:
  ``=been`` must not match ``ben``). A phrase ("op mijn hielen") matches words in a row.
  ``EXCLUDE`` lists words that look like an entry but mean something else (``kankeren``: to
  grumble; ``ontstekingsremmer``: an anti-inflammatory).
- ``PATTERNS``: per cluster, the concept combinations that flag it. All parts of a pattern
  must occur in one clause (a stretch of text between punctuation or words like "maar",
  « mais »). A plain part must be stated (not negated); a part written ``!PART`` must be
  negated: "ik kan niet plassen" is ``!PEE``; a part written ``~PART`` may be either; a part
  written ``-PART`` must be absent (weight lost on a diet, ``WEIGHT -DIET``, is no flag).
- Negation (``NEGATION``): a cue negates a concept up to four words after it in the same
  clause ("geen koorts", « pas de fièvre », « jamais eu de cancer »). Concepts in ``ABILITIES``
  (can, feel, carry...) are also negated by a cue just after them ("ik voel mijn benen niet").
  A negated difficulty or pain word takes the negation for itself: "geen problemen met plassen"
  and « pas de souci pour uriner » say nothing is wrong with passing urine.
- Other people and worries: a clause that names someone else (``OTHERS``: "mijn moeder had
  kanker") and has no word for the patient themself (``SELF``) is skipped, and so is a clause
  with a word of fear (``WORRY``: "bang voor kanker").
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["nl", "fr"]

CLUSTERS = ("neuro", "weakness", "trauma", "vascular", "pathological", "infection")

# --- rewriting before matching ------------------------------------------------------------

# fmt: off
IDIOMS: dict[Lang, tuple[tuple[str, str], ...]] = {
    "nl": (
        # harmless uses of "vallen" and friends
        (r"\b(in slaap|stil|weg|uit de lucht|in de prijzen|in de smaak|op zijn plaats)"
         r" (ge)?(vallen|gevallen|viel|valt)\b", "_"),
        (r"\b(gevallen|viel|valt|vallen) (voor|in de smaak|in slaap|stil)\b", "_"),
        (r"\bvoor (haar|hem|jou|hun|elkaar|die|dat) (ge)?(vallen|gevallen|viel)\b", "_"),
        (r"\bgeluk bij (een|het) ongeluk\b", "_"),
        (r"(plas|pis|toilet|wc).{0,40}\b(komt|kwam|lukt) (er )?(\w+ )?(niets|niks|geen druppel)\b",
         r"\g<0> . retentie"),
        (r"\b(plassen|pissen|plas|wateren)\b.{0,20}\bmaar (het |dat )?(lukt|gaat|wil|komt)"
         r" (\w+ )?(niet|nie|ni)\b", "_ . kan niet plassen ."),
        (r"\b(voel|voelt|voelde) (ik |je )?(het )?(wc papier|toiletpapier|papier) (niet|nie|ni)\b",
         "_ . doof zitvlak ."),
        (r"(been|knie|voet|benen|poot)\b (\w+ ){0,2}(valt|viel|zakt|zakte)"
         r" (\w+ ){0,3}(weg|door)\b", "been zakt door"),
        (r"\b(valt|viel|vallen) (me |het |wel |nogal |best |echt )*(mee|tegen|op)\b", "_"),
        (r"\b(in|voor|bij) (veel|sommige|alle|de meeste|zulke|die|deze|beide) gevallen\b", "_"),
        (r"\bvan de trap (af )?gevallen\b", "val trap"),
        (r"zadel.{0,40}\b(voel|voelt|merk) (ik |je )?(\w+ )?(niks|niets|niet|nie)\b",
         "_ . doof zitvlak ."),
        (r"\b(kwartje|beslissing|munt|keuze|doek) (is )?(ge)?(vallen|gevallen|viel|valt)\b", "_"),
        (r"\b(viel|valt|vallen) (bijna |haast |net )?in slaap\b", "_"),
        (r"\bval (me|mij|ons) niet lastig\b", "_"),
        (r"\b(trein|bus|tram|les|stroom|internet|vergadering|match|training)"
         r" (viel|valt|is) (\w+ )?(uit|weg)\b", "_"),
        (r"\b(val|valt|viel) (\w+ )?af\b", "vermagerd"),
        (r"\b(broek|broeken|kleren|kleding|jeans) (zijn |is |zit |zitten )?(veel |nu )?"
         r"te (groot|ruim|wijd)\b", "vermagerd"),
        (r"\bin (mijn|m|me|men|het) bed (geplast|gepist|geplast|gedaan)\b", "incontinent"),
        (r"\bkoude voeten (gekregen|krijgen|krijg|kreeg)\b", "_"),
        # euphemisms and Flemish ways to say it
        (r"\b(in|op) (mijn|m|me|men) broek (gedaan|geplast|geplast|gepist|gepoept|gekakt)\b",
         "incontinent"),
        (r"\b(een|nen|ne|n) ongelukje\b", "incontinent"),
        (r"\bnatte broek\b", "incontinent"),
        (r"\b(laten|laat|liet) (lopen|gaan)\b", "incontinent"),
        (r"\bk\b", "ik"),  # 'k kan nie plassen
        (r"\b(voel|voelt) (me|mij) (niet )?(zo )?(goed|lekker|fit|prima|slecht|beter)\b", "_"),
        (r"\b(kippenvel|rillingen) (van|bij) (de film|het idee|die gedachte)\b", "_"),
    ),
    "fr": (
        (r"\btomb\w* (enceinte|amoureu\w*|malade|de sommeil|en panne|d accord|bien|mal|a pic"
         r"|sur (un|une|le|la|mon|ma) (ami|amie|copain|copine|voisin\w*|article|emission|livre)"
         r"|dans (le|la|mon|ma|un|une) (canape|lit|fauteuil|divan|sofa|sommeil)"
         r"|sur (le|la|mon|ma|un|une) (canape|lit|fauteuil|divan|sofa))\b", "_"),
        (r"\b(laisse\w*|laisser) tomb\w*\b", "_"),
        (r"\b(ca|cela|il|elle|ma visite|le rendez vous|mon rendez vous|la date) tombe\b", "_"),
        (r"\btomb\w* dans les pommes\b", "evanoui"),
        (r"\bfait\w* pipi (dessus|sur moi|au lit|dans (mon|le) lit"
         r"|dans (ma|mon) (culotte|pantalon))", "incontinent"),
        (r"(urin|pipi|piss|toilette|wc|vessie).{0,40}\b(rien ne (sort|vient)"
         r"|ne (sort|vient) (rien|que)|quelques gouttes)", r"\g<0> . retention"),
        (r"\b(sens|sent|sentais) (pas|plus|rien) (le )?papier", "_ . insensible entrejambe ."),
        (r"\bselle\b.{0,40}\b(sens|sent|sentais) (\w+ )?(rien|plus|pas)\b",
         "_ . insensible entrejambe ."),
        (r"\b(pousse|force|pousser|forcer)\b.{0,30}"
         r"(quelques gouttes|rien ne sort|ne sort (que|rien))", r"\g<0> . retention"),
        (r"\bcasse\w* la (figure|gueule)\b", "chute"),
        (r"\b(perdu|perds|perdre|perdue) (\d+ |quelques |des |plusieurs |beaucoup de |pas mal de )?"
         r"(kilos?|kg)\b", "amaigri"),
        (r"\b(pantalons?|vetements|habits|jeans?|jupes?) (\w+ ){0,2}trop (grands?|larges?)\b",
         "amaigri"),
        (r"\b(prix|bourse|temperatures?|ventes) (\w+ ){0,3}chute\b", "_"),
        (r"\bchute (de|des) (cheveux|prix|tension|neige|temperature\w*|pluie)\b", "_"),
        (r"\b(par|sans) accident\b", "_"),
        (r"\b(du|tout a|apres|un) coup( de (fil|main|soleil|froid|pouce|vent|blues|tete))?\b",
         "_"),
        (r"\b(donne|donnent|donner) (des|la) (frissons|chair de poule)\b", "_"),
        (r"\bfievre (acheteuse|du samedi soir)\b", "_"),
        (r"\b(je|j)? ?(me )?suis fait\w* dessus\b", "incontinent"),
        (r"\b(fait|fais|faire|faisais) (dans|sur) (ma|mon) (culotte|pantalon|slip|lit)\b",
         "incontinent"),
        (r"\b(fait|fais|faire|faisais) dessus\b", "incontinent"),
        (r"\bpetit accident\b", "incontinent"),
        (r"\bfaire pipi\b", "uriner"),
        (r"\bfaire caca\b", "selles"),
        (r"\b(je|j) (sais|savais) (plus|pas)\b", "je peux pas"),  # Belgian « savoir » = pouvoir
        (r"\bse faire (du souci|de la bile)\b", "_"),
    ),
}

# --- concepts -----------------------------------------------------------------------------

_NL: dict[str, tuple[str, ...]] = {
    # bladder, bowel, saddle area, sexual function
    "INCONT": ("incontinent", "incontinentie", "urineverlies", "urineretentie", "retentie",
               "lekkende blaas", "zadelanesthesie", "zadelgevoel", "sonde", "cauda"),
    "PEE": ("plassen", "pissen", "wateren", "urineren", "plas", "pist", "plast", "plaste",
            "pipi", "pipi doen", "kakken", "stoelgang"),
    "BLADDER": ("plas", "plassen", "urine", "blaas", "stoelgang", "ontlasting", "kaka", "poep",
                "pipi", "pissen", "sluitspier", "darmen", "wateren"),
    "LOSS": ("verlies", "verliezen", "verloren", "kwijt", "lek", "lekken", "lekt", "druppelt",
             "druppel", "ongewild", "vanzelf", "zomaar", "zonder dat", "loopt", "liep",
             "ophouden", "tegenhouden"),
    "ABLE": ("kan", "kunnen", "kon", "konden", "lukt", "lukken", "gelukt", "gaat", "ging",
             "houden", "ophouden", "tegenhouden", "controle", "controleren", "voel", "voelen",
             "voelt", "merk", "merken", "wil", "wilt", "willen", "=ken", "kunde", "gevoel"),
    "DIFF": ("moeite", "probleem", "problemen", "lastig", "moeilijk", "slecht", "last",
             "=traag", "=zwak"),
    "PAIN": ("pijn", "pijnlijk", "brand", "branden", "brandt", "branderig", "steekt", "prikt"),
    "SADDLE": ("zitvlak", "=kruis", "fietszadel", "anus", "aars", "geslacht", "geslachtsdelen",
               "penis",
               "vagina", "schede", "schaamstreek", "=billen", "zadel", "tussen mijn benen",
               "tussen mijn dijen", "van onder", "daar beneden", "daaronder", "onderlijf",
               "=poep", "=gat", "perineum", "wc papier", "toiletpapier", "afvegen", "veeg"),
    "NUMB": ("doof", "dove", "gevoelloos", "verdoofd", "verdoving", "tintel", "tintelingen",
             "tintelt", "slaapt", "slapen", "mieren", "mierenkriebels", "prikkel", "minder gevoel",
             "geen gevoel", "raar gevoel", "vreemd gevoel", "gevoelloosheid", "voos"),
    "FEEL": ("voel", "voelen", "voelt", "merk", "merken", "gevoeld", "gevoel"),
    "SEX": ("seks", "sex", "vrijen", "orgasme", "klaarkomen", "erectie"),
    "ERECTION": ("=erectie", "=orgasme", "=klaarkomen"),
    "IMPOTENT": ("impotent", "impotentie", "erectieproblemen", "erectiestoornis"),
    "BOTHLEGS": ("=benen", "beide benen", "allebei mijn benen", "twee benen", "=armen",
                 "=handen", "=vingers"),
    "CRANIAL": ("dubbel zien", "dubbelzien", "dubbel zicht", "wazig zien", "scheef gezicht",
                "zie dubbel", "ziet dubbel", "praat onduidelijk", "spreek onduidelijk",
                "woorden kwijt", "kan niet goed praten", "kan niet goed slikken",
                "gezicht scheef", "mond scheef", "lallen", "lalt", "onduidelijk praten",
                "slecht praten", "moeilijk praten", "moeilijk slikken", "verslikken"),
    "FACE": ("gezicht", "aangezicht", "mond", "tong", "ooglid", "wang"),
    "SPEECH": ("praten", "spreken", "slikken", "woorden", "zien", "zicht", "ogen"),
    "GAIT": ("waggel", "wankel", "zwalk", "onhandig", "dronken", "onvast",
             "onzeker op mijn benen", "zwier"),
    "BALANCE": ("evenwicht", "coordinatie"),
    "WORSE": ("erger", "verergert", "slechter", "uitbreiden", "breidt", "verspreidt",
              "meer en meer", "steeds meer", "toeneemt", "neemt toe", "hoger op", "uitgebreid"),
    # weakness
    "WEAK": ("zwak", "zwakke", "zwakker", "zwakte", "krachtverlies", "krachteloos", "slap",
             "slappe", "verlamd", "verlamming", "lam", "knikt", "zakt door", "zakt weg",
             "begeeft", "minder kracht", "geen kracht", "kracht kwijt", "geen macht",
             "uitval", "valt weg", "klapvoet", "klapt", "sleept", "sleep", "slepen",
             "hangt", "hangende", "tegenwerkt", "geeft het op", "geeft mee", "doorzakken",
             "door mijn been", "door mijn knie", "door mijn benen", "weigert", "gestruikeld",
             "struikel", "doorgezakt", "flapt", "klappert"),
    "STRENGTH": ("kracht", "macht", "sterk"),
    "LEG": ("=been", "=benen", "voet", "voeten", "=tenen", "teen", "hiel", "hielen", "hakken",
            "enkel", "knie", "kuit", "=dij", "dijbeen", "bovenbeen", "onderbeen", "=poot",
            "=poten", "=teen"),
    "STAND": ("staan", "stappen", "lopen", "gaan", "dragen", "draagt", "draag", "droeg",
              "opheffen", "optillen", "heffen", "tillen", "bewegen", "beweegt", "strekken"),
    "HEELTOE": ("hielen", "hiel", "hakken", "tenen", "tippen", "tenenstand"),
    # trauma
    "FALL": ("val", "vallen", "gevallen", "viel", "valpartij", "uitgegleden", "uitgeschoven",
             "onderuit", "smak", "gestruikeld", "neergevallen", "omgevallen", "gevallen"),
    "ACCIDENT": ("ongeval", "ongeluk", "aanrijding", "aangereden", "botsing", "gebotst",
                 "verkeersongeval", "auto ongeval", "auto ongeluk", "harde klap", "zware klap",
                 "klap gekregen", "tegen de grond", "aanrijding", "fietsongeval", "overreden",
                 "tegen mijn auto", "tegen mij aan", "aangereden",
                 "gewerveld", "whiplash", "gebroken wervel", "wervelbreuk"),
    # vascular
    "COLD": ("koud", "koude", "ijskoud", "ijskoude", "bleek", "bleke", "blauw", "blauwe",
             "paars", "paarse", "wit", "witte", "marmer", "gevlekt"),
    "FOOT": ("voet", "voeten", "=tenen", "teen", "=been", "=benen", "onderbeen"),
    "FAINT": ("flauw", "flauwgevallen", "flauwte", "bewusteloos", "bewustzijn", "klam",
              "klamme", "koud zweet", "koude zweet", "duizelig", "duizeligheid", "zwart voor",
              "wegdraaien", "weggedraaid", "kloppend gevoel in mijn buik", "kloppen in mijn buik",
              "onwel", "shock", "evanoui", "zweet koud", "koud zweten"),
    "BELLY": ("buik", "buikpijn"),
    "SUDDEN": ("plots", "plotseling", "ineens", "opeens", "hevig", "hevige", "enorm"),
    # infection
    "FEVER": ("koorts", "koortsig", "=verhoging", "rillingen", "rilling", "koude rillingen",
              "bibberen", "klappertanden", "nachtzweet", "nachtzweten", "natte lakens",
              "zweet s nachts", "zweten s nachts", "=temperatuur", "=griep", "=koorts", "koors",
              "badend in het zweet", "nat van het zweet", "doorweekt", "bezweet wakker"),
    "INFECT": ("infectie", "ontsteking", "ontstoken", "abces", "steenpuist", "etter", "ettert",
               "=pus", "antibiotica", "antibioticum", "cystitis", "ziekenhuisbacterie",
               "bacterie", "sepsis", "bloedvergiftiging", "wondroos", "tuberculose"),
    "SURGERY": ("geopereerd", "operatie", "ingreep", "infiltratie", "inspuiting",
                "epidurale", "epiduraal", "prik in mijn rug", "spuit in mijn rug",
                "ruggenprik", "injectie in mijn rug"),
    "DRUGS": ("drugs", "heroine", "spuiten", "spuit", "naald", "naalden", "cocaine"),
    "IMMUNE": ("afweer", "weerstand", "immuun", "immuniteit", "=hiv", "=aids", "transplantatie",
               "immunosuppressiva", "chemo", "chemotherapie"),
    # pathological fracture
    "CANCER": ("kanker", "tumor", "tumoren", "gezwel", "uitzaaiing", "uitzaaiingen",
               "metastase", "metastasen", "chemo", "chemotherapie", "bestraling", "bestraald",
               "leukemie", "lymfoom", "melanoom", "myeloom", "kwaadaardig", "oncoloog"),
    "WEIGHT": ("afgevallen", "vermagerd", "mager geworden", "gewichtsverlies", "gewicht verloren",
               "kilo kwijt", "kilo verloren", "kilo minder", "kilo afgevallen", "kilos kwijt",
               "kg kwijt", "kg verloren", "kg minder", "kg afgevallen",
               "kilos verloren", "kilos minder", "broek te groot", "broeken te groot",
               "gewicht kwijt", "gewicht verlies", "vermageren", "afvallen"),
    "DIET": ("dieet", "=wil", "wilde", "probeer", "probeerde", "bewust", "sporten"),
    "TIRED": ("uitgeput", "doodop", "doodmoe", "oververmoeid", "uitputting", "afgepeigerd",
              "op van moeheid",
              "kapot van moeheid", "geen energie", "futloos", "lusteloos"),
    "MOE": ("=moe", "=moei", "vermoeid", "vermoeidheid"),
    "VERY": ("heel", "erg", "zo", "altijd", "ongewoon", "doodmoe", "verschrikkelijk", "constant",
             "steeds", "enorm", "vreselijk", "de hele tijd", "abnormaal", "zeer"),
    "OSTEO": ("osteoporose", "botontkalking", "broze botten", "brose botten",
              "breekbare botten", "zwakke botten", "botdichtheid", "ingezakte wervel",
              "inzakking", "wervelinzakking", "fragiele botten"),
    "FRACTURE": ("gebroken", "breuk", "gebroken pols", "heupbreuk", "polsbreuk"),
    "STEROID": ("cortisone", "cortison", "cortico", "corticoiden", "corticosteroiden",
                "prednisolon", "prednisolone", "prednison", "medrol", "dexamethason",
                "=kortison"),
    "CHEST": ("borst", "borstkas", "borstbeen", "hart", "op mijn borst", "thorax", "ribben"),
    "CHESTPAIN": ("pijn", "druk", "beklemd", "beklemming", "steken", "steek", "knellend"),
}
_NL_EXCLUDE: dict[str, tuple[str, ...]] = {
    "FALL": ("bevallen", "bevalling", "afvallen", "afgevallen", "meevallen", "meegevallen",
             "tegenvallen", "tegengevallen", "opvallen", "opgevallen", "uitvallen", "invallen",
             "toevallig", "toeval", "geval", "voorval", "aanval", "aanvallen", "ingevallen",
             "valium", "vallei", "flauwgevallen", "uitval", "valt"),
    "CANCER": ("kankeren", "kankert", "gekankerd", "kankerde", "kankerden"),
    "INFECT": ("ontstekingsremmer", "ontstekingsremmers", "ontstekingsremmend",
               "ontstekingsremmende", "peesontsteking", "zenuwontsteking", "slijmbeursontsteking",
               "gewrichtsontsteking", "bacterien"),
    "FEVER": ("koortsblaasje", "koortsblaasjes", "koortslip", "verhogingen", "loonsverhoging",
              "prijsverhoging"),
    "SURGERY": ("operatief",),
    "CHEST": ("borstvoeding", "borstel", "hartelijk", "harte", "hartstikke", "hartje", "harten"),
    "DRUGS": ("spuitje", "spit"),
    "GAIT": ("winkel", "winkels", "winkelen", "wandel", "wandelen", "wandelt", "gewandeld"),
    "BLADDER": ("blaasbalg",),
    "WEAK": ("slapen", "slaap", "geslapen", "hangmat"),
    "ABLE": ("gaat beter",),
    "PEE": ("plaats", "plaatsen", "pissig"),
    "COLD": ("koude douche", "koud bad", "koud kompres", "wit brood", "witte wijn"),
}

_FR: dict[str, tuple[str, ...]] = {
    "INCONT": ("incontinent", "incontinente", "incontinence", "retention", "sonde",
               "anesthesie en selle", "fuite urinaire", "fuites urinaires", "queue de cheval"),
    "PEE": ("=uriner", "=pisser", "=pipi", "=vider"),
    "LEAK": ("fuite", "fuites", "fuis", "fuit", "pertes"),
    "UNAWARE": ("sans m en rendre compte", "sans le sentir", "sans le remarquer",
                "sans m en apercevoir", "sens pas venir", "sans le vouloir"),
    "BLADDER": ("urine", "urines", "uriner", "vessie", "selles", "caca", "pipi", "pisse",
                "intestins", "sphincter", "besoins", "transit", "aller a la selle"),
    "LOSS": ("fuite", "fuites", "fuit", "perds", "perdu", "perte", "perdre", "goutte",
             "gouttes", "involontaire", "involontairement", "sans le vouloir", "sans m en rendre",
             "tout seul", "toute seule", "coule", "echappe"),
    "ABLE": ("peux", "peut", "pouvais", "pouvoir", "arrive", "arrivais", "arriver", "reussis",
             "controle", "controler", "retenir", "retiens", "sens", "sentir", "sentais",
             "veut", "parviens", "maitrise"),
    "DIFF": ("mal", "difficile", "difficulte", "difficultes", "probleme", "problemes", "souci",
             "soucis", "peine", "gene", "galere", "compliqué"),
    "PAIN": ("douleur", "douloureux", "douloureuse", "brule", "brulure", "brulures", "pique"),
    "SADDLE": ("entrejambe", "entre les jambes", "entre mes jambes", "selle", "fesses",
               "selle de velo",
               "bas de mon corps", "bas du corps", "bas du ventre",
               "parties", "parties intimes", "sexe", "anus", "perinee", "penis", "vagin",
               "organes genitaux", "en bas", "derriere"),
    "NUMB": ("engourdi", "engourdie", "engourdis", "engourdissement", "engourdissements",
             "insensible", "insensibilite", "fourmillement", "fourmillements", "fourmis",
             "picotement", "picotements", "anesthesie", "endormi", "endormie",
             "plus de sensation", "moins de sensation", "sensation bizarre", "perte de sensibilite",
             "perte de sensation", "cartonne", "cartonnee"),
    "FEEL": ("sens", "sentir", "sentais", "senti", "sent", "sensation", "sensations",
             "sensibilite"),
    "SEX": ("sexe", "sexuel", "sexuelle", "sexuels", "rapports", "orgasme", "erection", "jouir"),
    "ERECTION": ("=erection", "=orgasme", "=jouir", "=bander"),
    "IMPOTENT": ("impuissant", "impuissance", "dysfonction erectile", "troubles erectiles"),
    "BOTHLEGS": ("deux jambes", "les jambes", "mes jambes", "=jambes", "=bras", "=mains",
                 "deux pieds", "mes pieds", "=doigts"),
    "CRANIAL": ("vision double", "voir double", "vois double", "vue double", "vue trouble",
                "visage de travers", "bouche de travers", "bouche tordue", "visage paralyse",
                "parle mal", "avaler de travers", "du mal a avaler", "mal a parler",
                "mal a avaler", "trouble de la parole", "bafouille"),
    "FACE": ("visage", "bouche", "langue", "paupiere", "joue", "figure"),
    "SPEECH": ("parler", "avaler", "mots", "voir", "vue", "yeux", "deglutir"),
    "GAIT": ("titube", "tituber", "maladroit", "maladroite", "comme ivre", "tangue", "instable"),
    "BALANCE": ("equilibre", "coordination", "demarche"),
    "WORSE": ("aggrave", "empire", "pire", "s etend", "etend", "remonte", "progresse",
              "de plus en plus", "augmente", "gagne", "s aggrave"),
    "WEAK": ("faible", "faibles", "faiblesse", "faiblit", "affaibli", "affaiblie",
             "perte de force", "plus de force", "pas de force", "moins de force", "sans force",
             "paralyse", "paralysee", "paralysie", "lache", "derobe", "se derobe", "cede",
             "traine", "trainer", "tombant", "steppage", "flanche", "molle", "mou",
             "ne repond plus", "repond plus", "ne suit plus", "flageole", "claque", "trebuche",
             "frappe le sol", "tape le sol", "tape par terre"),
    "STRENGTH": ("force", "forces", "fort", "forte"),
    "LEG": ("jambe", "jambes", "pied", "pieds", "orteils", "orteil", "talon", "talons",
            "cheville", "genou", "mollet", "cuisse"),
    "STAND": ("marcher", "debout", "tenir", "tiens", "tient", "porter", "porte", "soulever",
              "lever", "bouger",
              "tendre", "appui", "appuyer", "supporter"),
    "HEELTOE": ("talons", "talon", "pointe des pieds", "pointes des pieds", "pointe de pieds",
                "sur les pointes"),
    "FALL": ("chute", "chuté", "tombe", "tombee", "tomber", "tombes", "tombé", "glisse",
             "glissé", "renverse", "renversee", "degringole", "ramasse une gamelle", "gamelle"),
    "ACCIDENT": ("accident", "collision", "accroche", "carambolage", "percute", "percutee",
                 "choc violent", "gros choc", "accidente", "coup du lapin",
                 "fracture vertebrale", "vertebre cassee"),
    "COLD": ("froid", "froide", "froids", "glace", "glacee", "glaces", "pale", "pales", "bleu",
             "bleue", "bleus", "blanc", "blanche", "violet", "violette", "marbre", "marbree"),
    "FOOT": ("pied", "pieds", "orteils", "orteil", "jambe", "jambes"),
    "FAINT": ("evanoui", "evanouie", "evanouissement", "malaise", "perdu connaissance",
              "perte de connaissance", "moite", "sueurs froides", "sueur froide", "vertige",
              "vertiges", "etourdi", "etourdie", "etourdissement", "tourne la tete",
              "la tete qui tourne", "choc", "battement dans le ventre", "ventre qui bat",
              "tomber dans les pommes"),
    "BELLY": ("ventre", "abdomen", "abdominale", "abdominal"),
    "SUDDEN": ("brutal", "brutale", "brutalement", "soudain", "soudaine", "soudainement",
               "d un coup", "violente", "violent", "atroce"),
    "FEVER": ("fievre", "fievreux", "fievreuse", "febrile", "=temperature", "frissons",
              "frisson", "grelotte", "grelotter", "sueurs nocturnes", "sueurs la nuit",
              "transpire la nuit", "transpiration nocturne", "draps trempes", "trempe la nuit",
              "=grippe", "trempe de sueur", "trempee de sueur", "couvert de sueur",
              "en sueur la nuit"),
    "INFECT": ("infection", "infecte", "infectee", "infectieux", "cystite", "abces",
               "furoncle", "=pus", "antibiotique", "antibiotiques", "septicemie", "erysipele",
               "tuberculose", "plaie qui suinte", "bacterie"),
    "SURGERY": ("opere", "operee", "operation", "chirurgie", "intervention", "infiltration",
                "infiltre", "peridurale", "piqure dans le dos", "injection dans le dos",
                "ponction lombaire"),
    "DRUGS": ("drogue", "drogues", "heroine", "seringue", "seringues", "injecte", "shoote",
              "cocaine"),
    "IMMUNE": ("immunite", "immunitaire", "immunodeprime", "immunodeprimee", "defenses",
               "=vih", "=sida", "greffe", "transplante", "immunosuppresseur",
               "immunosuppresseurs", "chimio", "chimiotherapie"),
    "CANCER": ("cancer", "cancers", "tumeur", "tumeurs", "metastase", "metastases", "chimio",
               "chimiotherapie", "radiotherapie", "rayons", "leucemie", "lymphome", "melanome",
               "myelome", "=malin", "maligne", "oncologue"),
    "WEIGHT": ("maigri", "amaigri", "amaigrissement", "perdu du poids", "perte de poids",
               "perdu kilos", "perdu des kilos", "kilos en moins", "pantalon trop grand",
               "vetements trop grands", "fondu", "maigrir", "perds du poids", "perdu poids"),
    "DIET": ("regime", "=veux", "voulu", "essaie", "volontairement", "sport", "mincir"),
    "TIRED": ("epuise", "epuisee", "epuisement", "extenue", "extenuee",
              "sans energie", "plus d energie", "aucune energie"),
    "MOE": ("fatigue", "fatiguee", "fatigues", "fatigant", "creve", "crevee", "lessive",
            "lessivee", "a bout", "vide", "videe"),
    "VERY": ("tres", "tellement", "toujours", "tout le temps", "anormalement", "inhabituel",
             "inhabituelle", "enormement", "sans arret", "constamment", "vraiment", "super",
             "hyper", "trop"),
    "OSTEO": ("osteoporose", "os fragiles", "decalcification", "tassement", "tassement vertebral",
              "vertebre tassee", "densite osseuse", "osteopenie"),
    "FRACTURE": ("fracture", "casse", "cassee", "fracture du poignet", "fracture de la hanche",
                 "fissure"),
    "STEROID": ("cortisone", "corticoide", "corticoides", "corticosteroides", "medrol",
                "prednisolone", "prednisone", "dexamethasone", "cortico"),
    "CHEST": ("poitrine", "thorax", "thoracique", "sternum", "coeur", "cotes"),
    "CHESTPAIN": ("douleur", "douleurs", "mal", "oppression", "serre", "serrement", "pique",
                  "point", "poids"),
}
_FR_EXCLUDE: dict[str, tuple[str, ...]] = {
    "FALL": ("tombeau", "tombola"),
    "INFECT": ("anti inflammatoire", "anti inflammatoires", "inflammation"),
    "FEVER": ("temperatures", "bouton de fievre", "boutons de fievre"),
    "CHEST": ("coeur a l ouvrage", "par coeur", "coeur leger"),
    "COLD": ("blanc d oeuf", "vin blanc", "froid dans le dos"),
    "FAINT": ("choc emotionnel",),
    "DRUGS": ("injecte de l insuline",),
    "WEAK": ("mal de dos",),
    "SURGERY": ("operation du", "operation de la cataracte"),
}

CONCEPTS: dict[Lang, dict[str, tuple[str, ...]]] = {"nl": _NL, "fr": _FR}
EXCLUDE: dict[Lang, dict[str, tuple[str, ...]]] = {"nl": _NL_EXCLUDE, "fr": _FR_EXCLUDE}

#: concepts negated also by a cue right after them ("ik voel mijn benen niet")
ABILITIES = frozenset(
    {"ABLE", "FEEL", "STAND", "PEE", "ERECTION", "STRENGTH", "LOSS", "BALANCE"}
)
#: a negated word of these takes the negation for itself ("geen problemen met plassen")
NEGATION_TAKERS = frozenset({"DIFF", "PAIN", "LOSS", "NUMB"})

# --- patterns -----------------------------------------------------------------------------

PATTERNS: dict[str, tuple[str, ...]] = {
    "neuro": (
        "INCONT",
        "!PEE",
        "~BLADDER !ABLE",
        "~BLADDER LOSS",
        "~BLADDER DIFF",
        "~SADDLE NUMB",
        "~SADDLE !FEEL",
        "~SADDLE !ABLE",
        "~SEX NUMB",
        "~SEX DIFF",
        "!ERECTION",
        "IMPOTENT",
        "~BOTHLEGS NUMB",
        "~BOTHLEGS !FEEL",
        "~BOTHLEGS WEAK",
        "~LEG NUMB",
        "~LEG !FEEL",
        "NUMB WORSE",
        "CRANIAL",
        "!BALANCE",
        "~BALANCE LOSS",
        "~BALANCE DIFF",
        "LEAK UNAWARE",
        "~FACE NUMB",
        "~FACE WEAK",
        "~SPEECH DIFF",
        "~SPEECH !ABLE",
        "GAIT",
    ),
    "weakness": (
        "~LEG WEAK",
        "~LEG !STRENGTH",
        "~LEG !STAND",
        "~LEG !ABLE",
        "~HEELTOE !ABLE",
        "~HEELTOE !STAND",
        "~BOTHLEGS WEAK",
    ),
    "trauma": ("FALL", "ACCIDENT"),
    "vascular": ("~FOOT COLD", "FAINT", "~BELLY SUDDEN"),
    "infection": ("FEVER", "INFECT", "SURGERY", "DRUGS", "IMMUNE", "~PEE PAIN",
                  "~BLADDER PAIN", "WEIGHT -DIET"),
    "pathological": ("CANCER", "WEIGHT -DIET", "TIRED", "MOE VERY", "OSTEO", "FRACTURE",
                     "STEROID", "~CHEST CHESTPAIN", "AGE"),
}
"""``AGE`` is not a word group: it is an age of 70 or more ("ik ben 74", « j'ai 82 ans »)."""


# --- negation, other people, worry --------------------------------------------------------

NEGATION: dict[Lang, frozenset[str]] = {
    "nl": frozenset({"geen", "gene", "niet", "nie", "ni", "nooit", "zonder", "noch", "niks",
                     "niets", "nergens", "nee", "neen", "allerminst", "amper", "nauwelijks",
                     "onmogelijk"}),
    "fr": frozenset({"pas", "ne", "n", "aucun", "aucune", "jamais", "sans", "ni", "rien",
                     "nullement", "non", "point", "guere", "plus", "impossible"}),
}
#: cues that negate an ability but never a symptom: « j'ai plus de fièvre » stays a fever
ABILITY_ONLY_CUES: dict[Lang, frozenset[str]] = {
    "nl": frozenset({"amper", "nauwelijks", "onmogelijk"}),
    "fr": frozenset({"plus", "guere", "impossible"}),
}
#: cues that only look ahead: "zonder problemen plassen" says nothing against plassen
FORWARD_ONLY_CUES = frozenset({"zonder", "sans"})
#: an answer that denies the clause before it: « de la fièvre, non »
CLAUSE_DENIALS = frozenset({"nee", "neen", "niet", "non", "pas", "nee hoor", "non merci"})
#: words that end a clause (besides punctuation)
CLAUSE_BREAKS: dict[Lang, frozenset[str]] = {
    "nl": frozenset({"maar", "wel", "want", "omdat", "doch", "toch", "dus", "terwijl",
                     "behalve", "alleen"}),
    "fr": frozenset({"mais", "car", "parce", "pourtant", "cependant", "sauf", "donc",
                     "tandis", "alors", "seulement"}),
}
#: "en"/« et » end a clause when a new subject follows ("geen koorts en ik kan niet plassen")
AND_WORDS: dict[Lang, frozenset[str]] = {
    "nl": frozenset({"en"}),
    "fr": frozenset({"et"}),
}
SUBJECTS: dict[Lang, frozenset[str]] = {
    "nl": frozenset({"ik", "mijn", "hij", "zij", "ze", "het", "mn", "men", "m", "je", "u", "nu"}),
    "fr": frozenset({"je", "j", "il", "elle", "ma", "mon", "mes", "ca", "on", "c", "moi",
                     "maintenant"}),
}
OTHERS: dict[Lang, frozenset[str]] = {
    "nl": frozenset({"moeder", "mama", "mam", "vader", "papa", "pa", "broer", "zus",
                     "zuster", "vrouw", "man", "echtgenoot", "echtgenote", "partner", "vriend",
                     "vriendin", "oma", "opa", "grootvader", "grootmoeder", "tante", "nonkel",
                     "oom", "neef", "nicht", "zoon", "dochter", "kind", "kinderen", "buurman",
                     "buurvrouw", "collega", "schoonmoeder", "schoonvader", "familie",
                     "hij", "mensen", "patienten", "vriendinnen", "vrienden",
                     "ouders", "grootouders", "erfelijk", "hond", "kat", "baas", "baby"}),
    "fr": frozenset({"mere", "maman", "pere", "papa", "frere", "soeur", "femme", "mari",
                     "epoux", "epouse", "conjoint", "conjointe", "compagnon", "compagne", "ami",
                     "amie", "copain", "copine", "mamie", "papy", "papi", "tante",
                     "oncle", "cousin", "cousine", "fils", "fille", "enfant", "enfants",
                     "voisin", "voisine", "collegue", "famille", "gens",
                     "parents", "amis", "amies", "hereditaire", "chien", "chat", "patron",
                     "bebe"}),
}
SELF: dict[Lang, frozenset[str]] = {
    "nl": frozenset({"ik", "mij", "me", "ikzelf", "mezelf", "mijzelf"}),
    "fr": frozenset({"je", "j", "moi", "me", "m"}),
}
WORRY: dict[Lang, frozenset[str]] = {
    "nl": frozenset({"bang", "schrik", "angst", "vrees", "vrezen", "ongerust", "bezorgd"}),
    "fr": frozenset({"peur", "crainte", "crains", "inquiet", "inquiete", "angoisse"}),
}
# fmt: on
