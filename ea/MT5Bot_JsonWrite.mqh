//+------------------------------------------------------------------+
//| MT5Bot_JsonWrite.mqh: writing results, heartbeats and the        |
//| symbols file: one line of ASCII, anything else escaped as        |
//| \uXXXX, the way the server writes (ea/protocol.py dumps).        |
//+------------------------------------------------------------------+
string JsonQuote(string value)
  {
   string out = "\"";
   int n = StringLen(value);
   for(int i = 0; i < n; i++)
     {
      ushort c = StringGetCharacter(value, i);
      if(c == '"')
         out += "\\\"";
      else
         if(c == '\\')
            out += "\\\\";
         else
            if(c == '\n')
               out += "\\n";
            else
               if(c == '\r')
                  out += "\\r";
               else
                  if(c == '\t')
                     out += "\\t";
                  else
                     if(c < 0x20 || c > 0x7E)
                        out += StringFormat("\\u%04x", (int)c);
                     else
                        out += ShortToString(c);
     }
   return out + "\"";
  }

// The shortest text that reads back as the same double, null when the
// value is EMPTY_VALUE (our null) or not finite (JSON has no NaN).
string JsonNumberText(double value)
  {
   if(value == EMPTY_VALUE || !MathIsValidNumber(value))
      return "null";
   if(value == MathFloor(value) && MathAbs(value) < 1e15)
      return IntegerToString((long)value);
   return StringFormat("%.15g", value);
  }

void JsonKey(string &text, string key)
  {
   int n = StringLen(text);
   ushort last = n > 0 ? StringGetCharacter(text, n - 1) : (ushort)0;
   if(last != '{' && last != '[')
      text += ",";
   text += JsonQuote(key) + ":";
  }

void JsonPutString(string &text, string key, string value)
  {
   JsonKey(text, key);
   text += JsonQuote(value);
  }

void JsonPutNumber(string &text, string key, double value)
  {
   JsonKey(text, key);
   text += JsonNumberText(value);
  }

void JsonPutInteger(string &text, string key, long value)
  {
   JsonKey(text, key);
   text += IntegerToString(value);
  }

void JsonPutBool(string &text, string key, bool value)
  {
   JsonKey(text, key);
   text += value ? "true" : "false";
  }

void JsonPutNull(string &text, string key)
  {
   JsonKey(text, key);
   text += "null";
  }
//+------------------------------------------------------------------+
