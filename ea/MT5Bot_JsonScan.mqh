//+------------------------------------------------------------------+
//| MT5Bot_JsonScan.mqh: the JSON reader's scanner (MT5Bot_Json.mqh  |
//| holds the objects, arrays and the flat-subset verdict): the      |
//| parser's state, its errors, whitespace, strings with their       |
//| escapes and UTF-8, numbers and the NaN/Infinity constants.       |
//+------------------------------------------------------------------+
#include "MT5Bot_Utf8.mqh"

#define JSON_MAX_BYTES   65536
#define JSON_MAX_DEPTH   64
#define JSON_STRING      1
#define JSON_INT         2
#define JSON_FLOAT       3
#define JSON_TRUE        4
#define JSON_FALSE       5
#define JSON_NULL        6
#define JSON_OBJECT      7
#define JSON_ARRAY       8

// Parser state: MQL5 has no closures, and one parse runs at a time.
uchar  g_json[];
int    g_json_size;
int    g_json_pos;
bool   g_json_broken;      // a syntax error: nothing can be read
string g_json_first;       // the first error in the order Python raises it
int    g_json_ids;         // "id" keys at any depth

//+------------------------------------------------------------------+
//| Errors                                                           |
//+------------------------------------------------------------------+
void JsonNote(string message)
  {
   if(g_json_first == "")
      g_json_first = message;
  }

bool JsonSyntax(string message)
  {
   g_json_broken = true;
   JsonNote("invalid JSON: " + message + " at byte " + IntegerToString(g_json_pos));
   return false;
  }

void JsonSkipSpace()
  {
   while(g_json_pos < g_json_size)
     {
      int c = g_json[g_json_pos];
      if(c != ' ' && c != '\t' && c != '\n' && c != '\r')
         return;
      g_json_pos++;
     }
  }

bool JsonAt(string word)
  {
   int n = StringLen(word);
   if(g_json_pos + n > g_json_size)
      return false;
   for(int i = 0; i < n; i++)
      if(g_json[g_json_pos + i] != StringGetCharacter(word, i))
         return false;
   return true;
  }

int JsonHex(int c)
  {
   if(c >= '0' && c <= '9')
      return c - '0';
   if(c >= 'a' && c <= 'f')
      return c - 'a' + 10;
   if(c >= 'A' && c <= 'F')
      return c - 'A' + 10;
   return -1;
  }

void JsonAppendUnit(ushort &units[], int &count, int unit)
  {
   if(count >= ArraySize(units))
      ArrayResize(units, count * 2 + 16);
   units[count] = (ushort)unit;
   count++;
  }

// A code point decoded from (already validated) UTF-8, as UTF-16 units.
void JsonAppendUtf8(ushort &units[], int &count, int length)
  {
   int c = g_json[g_json_pos] & (0xFF >> (length + 1));
   for(int i = 1; i < length; i++)
      c = (c << 6) | (g_json[g_json_pos + i] & 0x3F);
   g_json_pos += length;
   if(c < 0x10000)
     {
      JsonAppendUnit(units, count, c);
      return;
     }
   c -= 0x10000;
   JsonAppendUnit(units, count, 0xD800 | (c >> 10));
   JsonAppendUnit(units, count, 0xDC00 | (c & 0x3FF));
  }

bool JsonEscape(ushort &units[], int &count)
  {
   int c = g_json[g_json_pos];
   string simple = "\"\\/bfnrt";
   int value[] = {'"', '\\', '/', 8, 12, 10, 13, 9};
   for(int i = 0; i < 8; i++)
      if(c == StringGetCharacter(simple, i))
        {
         JsonAppendUnit(units, count, value[i]);
         g_json_pos++;
         return true;
        }
   if(c != 'u' || g_json_pos + 4 >= g_json_size)
      return JsonSyntax("invalid escape");
   int unit = 0;
   for(int k = 1; k <= 4; k++)
     {
      int digit = JsonHex(g_json[g_json_pos + k]);
      if(digit < 0)
         return JsonSyntax("invalid \\u escape");
      unit = unit * 16 + digit;
     }
   JsonAppendUnit(units, count, unit);
   g_json_pos += 5;
   return true;
  }

// A string starting at the opening quote.
bool JsonString(string &out)
  {
   ushort units[];
   int count = 0;
   g_json_pos++;
   while(g_json_pos < g_json_size)
     {
      int c = g_json[g_json_pos];
      if(c == '"')
        {
         g_json_pos++;
         out = count > 0 ? ShortArrayToString(units, 0, count) : "";
         return true;
        }
      if(c < 0x20)
         return JsonSyntax("invalid control character in a string");
      if(c == '\\')
        {
         g_json_pos++;
         if(g_json_pos >= g_json_size || !JsonEscape(units, count))
            return JsonSyntax("unterminated escape");
         continue;
        }
      if(c < 0x80)
        {
         JsonAppendUnit(units, count, c);
         g_json_pos++;
         continue;
        }
      JsonAppendUtf8(units, count, Utf8Length(g_json, g_json_pos, g_json_size));
     }
   return JsonSyntax("unterminated string");
  }

bool JsonDigits()
  {
   int start = g_json_pos;
   while(g_json_pos < g_json_size && g_json[g_json_pos] >= '0' && g_json[g_json_pos] <= '9')
      g_json_pos++;
   return g_json_pos > start;
  }

// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, as RFC 8259 and Python.
bool JsonNumber(int &kind, string &text)
  {
   int start = g_json_pos;
   kind = JSON_INT;
   if(g_json[g_json_pos] == '-')
      g_json_pos++;
   if(g_json_pos < g_json_size && g_json[g_json_pos] == '0')
      g_json_pos++;
   else
      if(!JsonDigits())
         return JsonSyntax("invalid number");
   if(g_json_pos < g_json_size && g_json[g_json_pos] == '.')
     {
      g_json_pos++;
      kind = JSON_FLOAT;
      if(!JsonDigits())
         return JsonSyntax("invalid number");
     }
   if(g_json_pos < g_json_size && (g_json[g_json_pos] == 'e' || g_json[g_json_pos] == 'E'))
     {
      g_json_pos++;
      kind = JSON_FLOAT;
      if(g_json_pos < g_json_size && (g_json[g_json_pos] == '+' || g_json[g_json_pos] == '-'))
         g_json_pos++;
      if(!JsonDigits())
         return JsonSyntax("invalid number");
     }
   text = CharArrayToString(g_json, start, g_json_pos - start, CP_UTF8);
   return true;
  }

// NaN and Infinity: Python reads them unless told not to; the protocol
// refuses them, but a file with one still has a readable id.
bool JsonConstant(int &kind, string &text)
  {
   string words[] = {"true", "false", "null", "NaN", "Infinity", "-Infinity"};
   int kinds[] = {JSON_TRUE, JSON_FALSE, JSON_NULL, JSON_FLOAT, JSON_FLOAT, JSON_FLOAT};
   for(int i = 0; i < ArraySize(words); i++)
      if(JsonAt(words[i]))
        {
         g_json_pos += StringLen(words[i]);
         kind = kinds[i];
         text = words[i];
         if(i >= 3)
            JsonNote("invalid JSON: " + words[i] + " is not a number");
         return true;
        }
   return JsonSyntax("unexpected character");
  }
