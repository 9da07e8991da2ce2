//+------------------------------------------------------------------+
//| MT5Bot_Json.mqh: the flat JSON subset of PROTOCOL.md section 6.  |
//|                                                                  |
//| The reader works on the file's bytes, so it decides "not UTF-8"  |
//| itself instead of trusting a code page. It parses full JSON      |
//| (nesting, NaN) only to tell *why* a file is refused and whether  |
//| its id can still be read, exactly as ea/protocol.py loads_flat   |
//| and ea/paper/commands.py readable_id do; only a flat object with |
//| unique keys and finite numbers is accepted.                      |
//+------------------------------------------------------------------+
#include "MT5Bot_JsonScan.mqh"

// One top-level object: its pairs in file order, whether it is in the
// protocol's subset (`flat`, else `error` says why) and its readable id.
struct JsonObject
  {
   string            keys[];
   int               kinds[];
   string            texts[];   // a string's value, or a number's text
   bool              flat;
   string            error;
   string            id;        // "" when no id can be read
  };

bool JsonValue(int depth, int &kind, string &text, JsonObject &top);

bool JsonArray(int depth, JsonObject &top)
  {
   g_json_pos++;
   JsonSkipSpace();
   if(g_json_pos < g_json_size && g_json[g_json_pos] == ']')
     {
      g_json_pos++;
      return true;
     }
   while(true)
     {
      int kind;
      string text;
      if(!JsonValue(depth + 1, kind, text, top))
         return false;
      JsonSkipSpace();
      if(g_json_pos >= g_json_size)
         return JsonSyntax("unterminated array");
      int c = g_json[g_json_pos++];
      if(c == ']')
         return true;
      if(c != ',')
         return JsonSyntax("expected ',' or ']'");
     }
  }

void JsonAddPair(JsonObject &top, string key, int kind, string text)
  {
   int n = ArraySize(top.keys);
   ArrayResize(top.keys, n + 1);
   ArrayResize(top.kinds, n + 1);
   ArrayResize(top.texts, n + 1);
   top.keys[n] = key;
   top.kinds[n] = kind;
   top.texts[n] = text;
  }

// An object; the top-level one (depth 0) keeps its pairs in `top`.
// Duplicate keys are noted when the object ends, as Python's hook does.
bool JsonObjectValue(int depth, JsonObject &top)
  {
   string seen[];
   int count = 0;
   string duplicate = "";
   g_json_pos++;
   JsonSkipSpace();
   if(g_json_pos < g_json_size && g_json[g_json_pos] == '}')
     {
      g_json_pos++;
      return true;
     }
   while(true)
     {
      JsonSkipSpace();
      if(g_json_pos >= g_json_size || g_json[g_json_pos] != '"')
         return JsonSyntax("expected a key in double quotes");
      string key;
      if(!JsonString(key))
         return false;
      JsonSkipSpace();
      if(g_json_pos >= g_json_size || g_json[g_json_pos] != ':')
         return JsonSyntax("expected ':'");
      g_json_pos++;
      int kind;
      string text;
      if(!JsonValue(depth + 1, kind, text, top))
         return false;
      if(key == "id")
         g_json_ids++;
      for(int i = 0; i < count && duplicate == ""; i++)
         if(seen[i] == key)
            duplicate = key;
      ArrayResize(seen, count + 1);
      seen[count++] = key;
      if(depth == 0)
         JsonAddPair(top, key, kind, text);
      JsonSkipSpace();
      if(g_json_pos >= g_json_size)
         return JsonSyntax("unterminated object");
      int c = g_json[g_json_pos++];
      if(c == '}')
         break;
      if(c != ',')
         return JsonSyntax("expected ',' or '}'");
     }
   if(duplicate != "")
      JsonNote("invalid JSON: duplicate key '" + duplicate + "'");
   return true;
  }

bool JsonValue(int depth, int &kind, string &text, JsonObject &top)
  {
   if(depth > JSON_MAX_DEPTH)
      return JsonSyntax("nested too deeply");
   JsonSkipSpace();
   if(g_json_pos >= g_json_size)
      return JsonSyntax("expecting a value");
   int c = g_json[g_json_pos];
   text = "";
   if(c == '{')
     {
      kind = JSON_OBJECT;
      return JsonObjectValue(depth, top);
     }
   if(c == '[')
     {
      kind = JSON_ARRAY;
      return JsonArray(depth, top);
     }
   if(c == '"')
     {
      kind = JSON_STRING;
      return JsonString(text);
     }
   if(c == '-' && JsonAt("-Infinity"))
      return JsonConstant(kind, text);
   if(c == '-' || (c >= '0' && c <= '9'))
      return JsonNumber(kind, text);
   return JsonConstant(kind, text);
  }

int JsonFind(const JsonObject &doc, string key)
  {
   for(int i = 0; i < ArraySize(doc.keys); i++)
      if(doc.keys[i] == key)
         return i;
   return -1;
  }

// The flat-subset verdict, in loads_flat's order: JSON errors, then "not an
// object", then the first value that is not a scalar.
void JsonVerdict(JsonObject &doc, int kind)
  {
   doc.error = g_json_first;
   if(doc.error == "" && kind != JSON_OBJECT)
      doc.error = "not a JSON object";
   for(int i = 0; i < ArraySize(doc.keys) && doc.error == ""; i++)
      if(doc.kinds[i] == JSON_OBJECT || doc.kinds[i] == JSON_ARRAY)
         doc.error = doc.keys[i] + " is not a scalar";
   doc.flat = (doc.error == "");
   // readable_id: valid JSON (NaN and duplicates allowed), an object, and
   // exactly one "id" key in the whole file, a non-empty top-level string.
   int at = JsonFind(doc, "id");
   if(!g_json_broken && kind == JSON_OBJECT && g_json_ids == 1 && at >= 0
      && doc.kinds[at] == JSON_STRING && doc.texts[at] != "")
      doc.id = doc.texts[at];
  }

//+------------------------------------------------------------------+
//| Parse `size` bytes of `bytes` (a UTF-8 BOM allowed) into `doc`.  |
//+------------------------------------------------------------------+
void JsonRead(const uchar &bytes[], int size, JsonObject &doc)
  {
   ArrayResize(doc.keys, 0);
   ArrayResize(doc.kinds, 0);
   ArrayResize(doc.texts, 0);
   doc.flat = false;
   doc.id = "";
   g_json_first = "";
   g_json_broken = false;
   g_json_ids = 0;
   g_json_size = size;
   ArrayResize(g_json, size);
   for(int i = 0; i < size; i++)
      g_json[i] = bytes[i];
   g_json_pos = 0;
   if(size >= 3 && g_json[0] == 0xEF && g_json[1] == 0xBB && g_json[2] == 0xBF)
      g_json_pos = 3;
   if(size > JSON_MAX_BYTES || !Utf8Valid(g_json, g_json_pos, size))
     {
      doc.error = size > JSON_MAX_BYTES ? "file too large" : "not UTF-8";
      return;
     }
   int kind = 0;
   string text;
   if(JsonValue(0, kind, text, doc))
     {
      JsonSkipSpace();
      if(g_json_pos < g_json_size)
         JsonSyntax("extra data");
     }
   JsonVerdict(doc, kind);
  }
//+------------------------------------------------------------------+
