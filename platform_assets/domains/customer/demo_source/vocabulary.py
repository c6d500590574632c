"""The words the demo's people are made of: names with their frequencies, nicknames,
streets, email domains, phone numbering plans and the spellings of countries.

Frequencies matter to the matcher: term-frequency adjustments reward agreeing on a rare
surname more than on ``Smith``. So a head of common names is drawn with Zipf-like
weights (the first name of a list is the most common) and a long tail of surnames is
composed from two syllables, as real surname distributions have both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

FIRST_NAMES: Final = (
    "James", "Mary", "John", "Elizabeth", "Robert", "Patricia", "Michael", "Jennifer",
    "William", "Linda", "David", "Barbara", "Richard", "Susan", "Joseph", "Margaret",
    "Thomas", "Jessica", "Charles", "Sarah", "Christopher", "Karen", "Daniel", "Nancy",
    "Matthew", "Lisa", "Anthony", "Katherine", "Andrew", "Emily", "Joshua", "Rebecca",
    "Benjamin", "Victoria", "Samuel", "Christine", "Alexander", "Samantha", "Nicholas",
    "Deborah", "Jonathan", "Stephanie", "Timothy", "Catherine", "Edward", "Abigail",
    "Peter", "Jacqueline", "Frederick", "Alexandra", "Lukas", "Sophie", "Jürgen", "Anke",
    "Stefan", "Katrin", "Wolfgang", "Ursula", "Matthias", "Sabine", "François", "Camille",
    "Jean", "Isabelle", "Philippe", "Nathalie", "Nicolas", "Amélie", "Julien", "Manon",
    "Pieter", "Anouk", "Sven", "Femke", "Jeroen", "Sanne", "Daan", "Lotte", "Bram", "Noor",
    "Oliver", "Charlotte", "Harry", "Amelia", "George", "Olivia", "Jack", "Isla",
    "Noah", "Ava", "Liam", "Mia", "Ethan", "Chloe", "Lucas", "Zoe", "Mohammed", "Aisha",
    "Wei", "Priya",
)  # fmt: skip
SURNAMES: Final = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia",
    "Wilson", "Taylor", "Anderson", "Thomas", "Moore", "Martin", "Jackson", "Thompson",
    "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell",
    "Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins",
    "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Morgan", "Cooper", "Peterson",
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
    "Petit", "Bernard", "Dubois", "Durand", "Lefebvre", "Leroy", "Moreau", "Laurent",
    "Simon", "Michel", "Lefèvre", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert",
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "O'Brien", "O'Connor", "McDonald", "MacLeod", "Patel", "Khan", "Singh", "Nguyen",
    "Chen", "Wang", "Kowalski", "Novak", "Rossi", "Russo", "Fernández", "López",
)  # fmt: skip
#: The long tail: a prefix and a suffix make 1,200 rarer surnames (Ashworth, Brinkmann).
SURNAME_PREFIXES: Final = (
    "Ash", "Brad", "Brink", "Cald", "Dun", "Els", "Fair", "Gold", "Hart", "Holl",
    "Kirk", "Lang", "Lind", "Marsh", "Mor", "Nor", "Oak", "Pem", "Rad", "Red",
    "Ros", "Sand", "Shel", "Stan", "Stock", "Thorn", "Wal", "West", "Whit", "Wood",
    "Bux", "Cran", "Dal", "Eck", "Falk", "Grun", "Hag", "Kessel", "Lau", "Vander",
)  # fmt: skip
SURNAME_SUFFIXES: Final = (
    "worth", "ley", "mann", "well", "ford", "ton", "by", "wood", "field", "ham",
    "stein", "berg", "feld", "bauer", "holt", "dale", "croft", "more", "wick", "ridge",
    "er", "hausen", "brook", "combe", "shaw", "ington", "stone", "land", "burg", "haven",
)  # fmt: skip
#: Share of people whose surname is drawn from the composed tail instead of SURNAMES.
TAIL_SURNAME_SHARE: Final = 0.3

#: Formal first name -> the nickname a duplicate record may carry instead.
NICKNAMES: Final = {
    "James": "Jim", "John": "Jack", "Elizabeth": "Liz", "Robert": "Bob",
    "Patricia": "Pat", "Michael": "Mike", "Jennifer": "Jen", "William": "Bill",
    "David": "Dave", "Barbara": "Barb", "Richard": "Rick", "Susan": "Sue",
    "Joseph": "Joe", "Margaret": "Peggy", "Thomas": "Tom", "Jessica": "Jess",
    "Charles": "Charlie", "Sarah": "Sally", "Christopher": "Chris", "Daniel": "Dan",
    "Matthew": "Matt", "Anthony": "Tony", "Katherine": "Kate", "Andrew": "Andy",
    "Emily": "Em", "Joshua": "Josh", "Rebecca": "Becky", "Benjamin": "Ben",
    "Victoria": "Vicky", "Samuel": "Sam", "Christine": "Chrissy", "Alexander": "Alex",
    "Samantha": "Sam", "Nicholas": "Nick", "Deborah": "Debbie", "Jonathan": "Jon",
    "Stephanie": "Steph", "Timothy": "Tim", "Catherine": "Cathy", "Edward": "Ed",
    "Abigail": "Abby", "Peter": "Pete", "Jacqueline": "Jackie", "Frederick": "Fred",
    "Alexandra": "Sasha", "Wolfgang": "Wolf", "Matthias": "Matze", "Nicolas": "Nico",
    "Katrin": "Kati", "Oliver": "Ollie", "Charlotte": "Lottie", "Harry": "Hal",
    "Pieter": "Piet", "Isabelle": "Isa",
}  # fmt: skip

EMAIL_DOMAINS: Final = (
    "gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "web.de",
    "gmx.de", "orange.fr", "free.fr", "ziggo.nl", "kpnmail.nl", "btinternet.com",
    "proton.me", "aol.com",
)  # fmt: skip
#: Malformed addresses replace the ``@``, drop the domain's dot or add a space.
MALFORMED_EMAIL_PATTERNS: Final = ("at", "double_at", "no_dot", "space")

LETTERS: Final = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class NumberingPlan:
    """How a country writes a mobile number: the leading digits of its national
    significant number, how many random digits follow, the groups it is written in
    nationally, its trunk prefix and calling code."""

    calling_code: str
    leading: tuple[str, ...]
    random_digits: int
    groups: tuple[int, ...]
    trunk: str


NUMBERING_PLANS: Final = {
    "GB": NumberingPlan("44", ("74", "75", "77", "78", "79"), 8, (4, 6), "0"),
    "DE": NumberingPlan("49", ("151", "160", "170", "176"), 8, (3, 8), "0"),
    "FR": NumberingPlan(
        "33",
        ("60", "61", "62", "64", "65", "66", "67", "68", "75", "76", "77", "78"),
        7,
        (1, 2, 2, 2, 2),
        "0",
    ),
    "NL": NumberingPlan("31", ("61", "62", "63", "64", "65"), 7, (1, 8), "0"),
    # Area codes of the reference's cities; an exchange never starts with 0 or 1.
    "US": NumberingPlan(
        "1", ("212", "213", "312", "713", "602", "215", "415", "206", "617"), 7, (3, 3, 4), ""
    ),
}
#: Numbers no plan allows: too short, all zeros, a lone calling code.
IMPOSSIBLE_PHONES: Final = ("12345", "000 000 0000", "+44 12", "0800", "999999999999999")

STREETS: Final = {
    "GB": ("High Street", "Station Road", "Church Lane", "Park Avenue", "Victoria Road",
           "Mill Lane", "Green Lane", "Kings Road"),
    "DE": ("Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Dorfstraße",
           "Bergstraße", "Lindenstraße", "Kirchweg"),
    "FR": ("rue de la Paix", "avenue Victor Hugo", "rue du Moulin", "boulevard Voltaire",
           "rue de l'Église", "place de la République", "rue Pasteur", "allée des Tilleuls"),
    "NL": ("Kerkstraat", "Dorpsstraat", "Molenweg", "Stationsplein", "Schoolstraat",
           "Julianalaan", "Beatrixstraat", "Prinsengracht"),
    "US": ("Main St", "Oak Ave", "Maple Dr", "Washington Blvd", "Cedar Ln", "Park Ave",
           "Elm St", "Lake Shore Dr"),
}  # fmt: skip
#: Where the house number goes: before the street (GB, FR, US) or after it (DE, NL).
NUMBER_FIRST: Final = frozenset({"GB", "FR", "US"})

#: How the sources spell each country: ISO codes and names in English and the country's
#: own language, all of them in the country_codes seed.
COUNTRY_SPELLINGS: Final = {
    "GB": ("United Kingdom", "UK", "GB", "England", "Great Britain"),
    "DE": ("Germany", "Deutschland", "DE"),
    "FR": ("France", "FR"),
    "NL": ("Netherlands", "Nederland", "NL", "The Netherlands"),
    "US": ("United States", "USA", "US"),
}
#: Country names no reference knows: a misspelling and a fiction.
UNKNOWN_COUNTRIES: Final = ("Untied Kingdom", "Atlantis", "Germany (West)")
#: Postal codes in their country's format that the reference does not hold.
UNKNOWN_POSTAL_CODES: Final = {
    "GB": ("ZZ9 9ZZ", "QX1 1XQ", "AB99 9XX"),
    "DE": ("99999", "00100", "12345"),
    "FR": ("99000", "00500", "75999"),
    "NL": ("0000 AA", "9999 ZZ", "1234 XQ"),
    "US": ("00000", "99999", "10999"),
}
#: Birth dates a workbook may hold that no reader can turn into a date.
UNPARSEABLE_DATES: Final = ("31.02.1985", "unknown", "1985-02-30", "n/a", "13/13/1990")

ORGANISATION_WORDS: Final = (
    "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adventure Works",
    "Proseware", "Wingtip", "Alpine", "Coho", "Lucerne", "Margie's", "Trey", "Wide World",
    "Blue Yonder", "Graphic Design", "Humongous", "Woodgrove", "Fourth Coffee", "Relecloud",
)  # fmt: skip
LEGAL_FORMS: Final = {"GB": "Ltd", "DE": "GmbH", "FR": "SARL", "NL": "B.V.", "US": "Inc."}
