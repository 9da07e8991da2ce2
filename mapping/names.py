"""What instrument a symbol name means, whoever spelled it.

`parse("XAUUSD.r")`, `parse("GOLD")` and `parse("xauusdm")` all say "gold in US
dollars"; `parse("US30.cash")` and `parse("DJ30")` say "the Dow". That meaning
(the *identity*) is what decides whether two names may ever be matched: a
currency pair only ever matches the same two currencies in the same order, an
index the same index, a metal the same metal. Names whose meaning is not known
here (shares, exotic CFDs) get no identity and are matched only by their name.

Pure and deterministic: no settings, no database, no set iteration order, so
the answer is the same in every process whatever its hash seed.
"""

import re
from dataclasses import dataclass
from functools import lru_cache


def words(text):
    return frozenset(text.split())


CURRENCIES = words(
    "USD EUR GBP JPY CHF CAD AUD NZD SEK NOK DKK PLN HUF CZK TRY ZAR MXN SGD HKD "
    "CNH CNY RUB ILS THB INR KRW TWD BRL CLP COP IDR MYR PHP SAR AED KWD QAR KZT "
    "RON BGN ISK"
)
METALS = words("XAU XAG XPT XPD")
CRYPTO = words(
    "BTC ETH LTC XRP BCH ADA DOT SOL DOGE LINK BNB XLM EOS TRX AVAX MATIC UNI SHIB "
    "ATOM ALGO XTZ FIL ETC XMR DASH ZEC NEO AAVE COMP MKR SUSHI YFI SAND MANA AXS "
    "NEAR FTM ICP TON PEPE"
)
CRYPTO_ALIASES = {"XBT": "BTC"}
# TradingView's crypto charts are mostly Binance's, quoted in stablecoins; an
# MT5 broker's coins are quoted in dollars. Longest first, so USDT is not USD+T.
CRYPTO_QUOTES = (("USDT", "USD"), ("USDC", "USD"), ("USD", "USD"), ("EUR", "EUR"),
                 ("GBP", "GBP"), ("JPY", "JPY"), ("AUD", "AUD"), ("BTC", "BTC"),
                 ("ETH", "ETH"))  # fmt: skip

# Names of one instrument. The first name is the canonical one. Only names
# that mean the same underlying on every broker belong here: "OIL" (WTI on
# some brokers, Brent on others) does not, nor do futures codes (ES1!, CL1!).
# DAX, Hang Seng and the like kept their old member counts in some brokers'
# names (GER30, HK33): same index.
NAMED = {
    "index:DOW": "US30 DJ30 WS30 DJI30 USA30 DJI DJIA DOW30 DOWJONES US30USD",
    "index:SPX": "US500 SPX500 SP500 USA500 SPX USSPX500 SPX500USD",
    "index:NDX": "US100 NAS100 USTEC NDX100 USA100 NQ100 NDX NASDAQ100 USNDAQ100 "
    "USTECH100 NAS100USD",
    "index:RUT": "US2000 RUSSELL2000 RTY USSC2000 US2000USD",
    "index:DAX": "DE40 GER40 DAX40 DAX DE30 GER30 DAX30 GERMANY40 DE30EUR DE40EUR",
    "index:FTSE": "UK100 FTSE100 FTSE UKX UK100GBP",
    "index:NIKKEI": "JP225 JPN225 NIKKEI225 NIKKEI NI225 JAP225 JP225USD",
    "index:CAC": "FRA40 FR40 F40 CAC40 CAC FRANCE40 FR40EUR",
    "index:STOXX50": "EU50 EUSTX50 STOXX50 EUSTOXX50 ESTX50 EURO50 SX5E EU50EUR",
    "index:ASX": "AUS200 AU200 ASX200 AUS200AUD",
    "index:HSI": "HK50 HSI HK33 HKG33 HSI50 HK50HKD",
    "index:IBEX": "ES35 SPA35 ESP35 IBEX35 IBEX",
    "index:SMI": "SWI20 CH20 SMI20 SMI SUI20",
    "index:AEX": "NETH25 NL25 N25 AEX25 AEX",
    "index:A50": "CHINA50 CN50 CHINAA50 A50",
    "index:DXY": "USDX DXY USDINDEX",
    "energy:WTI": "USOIL WTI XTIUSD USOUSD WTICOUSD CRUDEOIL CRUDE WTIUSD",
    "energy:BRENT": "UKOIL BRENT XBRUSD UKOUSD BCOUSD BRENTOIL",
    "energy:NATGAS": "NATGAS NGAS XNGUSD NATGASUSD",
    "metal:XAUUSD": "XAUUSD GOLD",
    "metal:XAGUSD": "XAGUSD SILVER",
    "metal:XPTUSD": "XPTUSD PLATINUM",
    "metal:XPDUSD": "XPDUSD PALLADIUM",
    "metal:XCUUSD": "XCUUSD COPPER",
}
IDENTITY_OF = {name: key for key, names in NAMED.items() for name in names.split()}
CANONICAL = {key: names.split()[0] for key, names in NAMED.items()}
# Every coin name, spelled out once: parsing a 1,000-symbol list calls
# identity_of() some 20,000 times, and a lookup beats trying each quote.
KNOWN = {
    f"{base}{quote}": f"crypto:{CRYPTO_ALIASES.get(base, base)}{means}"
    for base in sorted(CRYPTO | set(CRYPTO_ALIASES))
    for quote, means in CRYPTO_QUOTES
    if CRYPTO_ALIASES.get(base, base) != means
}
KNOWN.update(IDENTITY_OF)

# Account-type markers brokers add after a separator (EURUSD.pro, US30.cash,
# EURUSD-ECN, XAUUSD_i). F is missing on purpose: .f marks a futures contract.
TAILS = words(
    "A B C E I K M N P R S T V X Z PRO CASH ECN RAW STD STP VIP MICRO MINI SB "
    "SPOT ZERO PRIME PLUS CLASSIC FIX FX CFD NDD ROLL ROLLING"
)
FUTURE_TAIL = re.compile(
    r"F|FUT|FUTS|FUTURE|FUTURES|FS|EXP|[FGHJKMNQUVXZ]\d{1,2}"
    r"|(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)\d{2}|\d{4}"
)
# The same markers written without a separator (XAUUSDm, US30Cash), tried only
# when the whole name means nothing: SQM is not SQ with an m.
GLUED = ("MICRO", "MINI", "CASH", "PRO", "ECN", "RAW", "STD", "M", "C", "I", "X")
MARKS = "#.+_!$@^~*-"
SEPARATORS = re.compile(r"[._\- ]")


@dataclass(frozen=True)
class Name:
    """One symbol name, read.

    `clean` is the name without exchange prefix, markers and account-type
    tails, upper-cased ("XAUUSD" for "OANDA:xauusd.r"). `identity` is the
    instrument ("metal:XAUUSD", "fx:EURJPY", "index:DOW", suffixed "/future"
    for futures), or "" when unknown. `strict` is true when every part of the
    name was understood, so that `clean` can be trusted; a name with an
    unknown tail ("EURUSD.abc") keeps its identity but is matched only fuzzily.
    """

    text: str
    clean: str
    identity: str = ""
    strict: bool = True
    tail: str = ""

    @property
    def canonical(self):
        """The instrument's usual name plus whatever tail was not understood."""
        if not self.identity:
            return self.clean
        base = self.identity.split(":", 1)[1].removesuffix("/future")
        return CANONICAL.get(self.identity.removesuffix("/future"), base) + self.tail


def strip_exchange(text):
    """'OANDA:XAUUSD' -> 'XAUUSD': TradingView's exchange prefix."""
    return text.rsplit(":", 1)[-1].strip()


def identity_of(core):
    """The instrument a bare, upper-case name means, or ""."""
    known = KNOWN.get(core)
    if known is not None:
        return known
    if len(core) == 6 and core[3:] in CURRENCIES:
        if core[:3] in CURRENCIES and core[:3] != core[3:]:
            return f"fx:{core}"
        if core[:3] in METALS:
            return f"metal:{core}"
    return ""


def unwrap(text):
    """Upper-case, without brackets ([DJI30]) and leading or trailing markers."""
    text = text.upper().replace("[", "").replace("]", "").replace("/", "")
    return text.strip(MARKS + " ")


@lru_cache(maxsize=32768)
def parse(text):
    """Read one symbol name (an alert's or a broker's) into a Name.

    Cached: accounts on one broker share their names, so a second account's
    list is read mostly from here (~4 us a name otherwise)."""
    core = unwrap(strip_exchange(text))
    identity = identity_of(core)
    if identity:
        return Name(text, core, identity)
    return parse_separated(text, core) or parse_glued(text, core) or unknown(text, core)


def parse_separated(text, core):
    """EURUSD.pro, US30.cash, DJ30.f, BTC-USD: a known head and a tail."""
    parts = SEPARATORS.split(core, maxsplit=1)
    if len(parts) != 2:
        return None
    head, tail = parts[0].strip(MARKS), parts[1].strip(MARKS)
    identity = identity_of(head)
    if not identity:
        joined = identity_of(head + tail)  # BTC-USD, EUR_USD
        return Name(text, head + tail, joined) if joined else None
    if FUTURE_TAIL.fullmatch(tail):
        return Name(text, head, f"{identity}/future", strict=False, tail="." + tail)
    known = tail in TAILS
    return Name(text, head, identity, strict=known, tail="" if known else "." + tail)


def parse_glued(text, core):
    if SEPARATORS.search(core):
        return None  # AB.NAS: a tail was there to read, and was not known
    for glued in GLUED:
        head = core.removesuffix(glued)
        if head != core and (identity := identity_of(head)):
            return Name(text, head, identity)
    return None


def unknown(text, core):
    """A name with no known meaning: only known tails are dropped (#AAPL,
    AAPL.m -> AAPL), nothing glued is, since the letters may be the name."""
    parts = SEPARATORS.split(core, maxsplit=1)
    if len(parts) == 2 and parts[1].strip(MARKS) in TAILS:
        return Name(text, parts[0].strip(MARKS))
    return Name(text, core)
