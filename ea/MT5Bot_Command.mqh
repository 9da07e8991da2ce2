//+------------------------------------------------------------------+
//| MT5Bot_Command.mqh: a command's fields, checked as               |
//| ea/paper/commands.py checks them (PROTOCOL.md 3, step 2), and    |
//| the result a command ends with (PROTOCOL.md 4).                  |
//|                                                                  |
//| Nothing here guesses: a wrong type is a refusal, never a cast.   |
//| Absent numbers are EMPTY_VALUE, an absent ticket is 0.           |
//+------------------------------------------------------------------+
#define PROTOCOL_VERSION 1
#define COMMENT_LENGTH   31
// The magic numbers a command may carry (PROTOCOL.md 3): 0 is what manual
// trades carry, and 18 digits is what StringToInteger reads exactly.
#define MAGIC_MAX_TEXT   "999999999999999999"

struct Command
  {
   string            id;
   string            action;
   string            account;
   double            expires_at;
   string            order_type;
   string            symbol;
   string            original_symbol;
   string            close_first;
   string            comment;
   double            volume;
   double            price;
   double            stop_loss;
   double            take_profit;
   double            sl_points;
   double            tp_points;
   double            sl_pips;
   double            tp_pips;
   double            risk_percent;
   double            max_volume;   // the account's lot limit; EMPTY_VALUE: none
   ulong             ticket;
   ulong             magic;
   bool              include_manual;
  };

struct Result
  {
   string            status;
   uint              retcode;
   ulong             ticket;     // 0: null
   double            price;      // EMPTY_VALUE: null
   double            volume;     // EMPTY_VALUE: null
   string            message;
   int               closed;     // the optional counts; -1: absent
   int               cancelled;
   int               modified;
   int               failed;
   bool              has_order;  // `order` and `deal` are reported
   ulong             order;
   ulong             deal;
   string            code;       // why it was refused, for machines; "": absent
   double            closed_volume;     // a close left part open: what closed,
   double            remaining_volume;  // and what is still open; EMPTY_VALUE: absent
  };

bool IsNone(double value)
  {
   return value == EMPTY_VALUE;
  }

//+------------------------------------------------------------------+
//| Typed field access; each returns false with `error` set.         |
//+------------------------------------------------------------------+
string JsonRepr(const JsonObject &doc, int at)
  {
   if(at < 0 || doc.kinds[at] == JSON_NULL)
      return "None";
   if(doc.kinds[at] == JSON_STRING)
      return "'" + doc.texts[at] + "'";
   if(doc.kinds[at] == JSON_TRUE)
      return "True";
   if(doc.kinds[at] == JSON_FALSE)
      return "False";
   return doc.texts[at];
  }

bool FieldNumber(const JsonObject &doc, string key, bool required, double &value,
                 string &error)
  {
   int at = JsonFind(doc, key);
   value = EMPTY_VALUE;
   if((at < 0 || doc.kinds[at] == JSON_NULL) && !required)
      return true;
   if(at < 0 || (doc.kinds[at] != JSON_INT && doc.kinds[at] != JSON_FLOAT))
     {
      error = key + " must be a number, not " + JsonRepr(doc, at);
      return false;
     }
   value = StringToDouble(doc.texts[at]);
   if(!MathIsValidNumber(value) || value == EMPTY_VALUE || value == -EMPTY_VALUE)
     {
      error = key + " must be finite";
      return false;
     }
   return true;
  }

// An integer that fits in a long; `present` false for null or absent.
bool FieldInteger(const JsonObject &doc, string key, long &value, bool &present,
                  string &error)
  {
   int at = JsonFind(doc, key);
   value = 0;
   present = !(at < 0 || doc.kinds[at] == JSON_NULL);
   if(!present)
      return true;
   if(doc.kinds[at] != JSON_INT)
     {
      error = key + " must be an integer, not " + JsonRepr(doc, at);
      return false;
     }
   if(StringLen(doc.texts[at]) > 18)
     {
      error = key + " is out of range: " + doc.texts[at];
      return false;
     }
   value = StringToInteger(doc.texts[at]);
   return true;
  }

//+------------------------------------------------------------------+
//| `magic`, required and within 1 .. 10^18 - 1: checked on the      |
//| digits, so 10^18 and beyond are refused, never read wrapped.     |
//+------------------------------------------------------------------+
bool FieldMagic(const JsonObject &doc, ulong &value, string &error)
  {
   int at = JsonFind(doc, "magic");
   value = 0;
   if(at >= 0 && doc.kinds[at] != JSON_INT && doc.kinds[at] != JSON_NULL)
     {
      error = "magic must be an integer, not " + JsonRepr(doc, at);
      return false;
     }
   string digits = at >= 0 && doc.kinds[at] == JSON_INT ? doc.texts[at] : "";
   if(digits != "" && StringGetCharacter(digits, 0) != '-' && StringLen(digits) <= 18)
      value = (ulong)StringToInteger(digits);
   if(value == 0)
      error = "magic must be from 1 to " + MAGIC_MAX_TEXT + ", not " + JsonRepr(doc, at);
   return value > 0;
  }

bool FieldString(const JsonObject &doc, string key, bool required, string &value,
                 string &error)
  {
   int at = JsonFind(doc, key);
   value = "";
   if((at < 0 || doc.kinds[at] == JSON_NULL) && !required)
      return true;
   if(at < 0 || doc.kinds[at] != JSON_STRING)
     {
      error = key + " must be a string, not " + JsonRepr(doc, at);
      return false;
     }
   value = doc.texts[at];
   return true;
  }

bool FieldFlag(const JsonObject &doc, string key, bool &value, string &error)
  {
   int at = JsonFind(doc, key);
   value = false;
   if(at < 0 || doc.kinds[at] == JSON_NULL)
      return true;
   if(doc.kinds[at] != JSON_TRUE && doc.kinds[at] != JSON_FALSE)
     {
      error = key + " must be true or false, not " + JsonRepr(doc, at);
      return false;
     }
   value = doc.kinds[at] == JSON_TRUE;
   return true;
  }

bool IsAction(string action)
  {
   string actions[] = {"BUY", "SELL", "CLOSE", "CLOSE_SYMBOL", "CLOSE_LONG",
                       "CLOSE_SHORT", "CLOSE_ALL", "MODIFY", "CANCEL"
                      };
   for(int i = 0; i < ArraySize(actions); i++)
      if(actions[i] == action)
         return true;
   return false;
  }

bool CommandHeader(const JsonObject &doc, Command &c, string &error)
  {
   int at = JsonFind(doc, "protocol");
   if(at < 0 || doc.kinds[at] != JSON_INT || doc.texts[at] != IntegerToString(PROTOCOL_VERSION))
     {
      error = "unknown protocol " + JsonRepr(doc, at);
      return false;
     }
   at = JsonFind(doc, "action");
   if(at < 0 || doc.kinds[at] != JSON_STRING || !IsAction(doc.texts[at]))
     {
      error = "unknown action " + JsonRepr(doc, at);
      return false;
     }
   c.action = doc.texts[at];
   long seq;
   bool present;
   return FieldString(doc, "account", true, c.account, error)
          && FieldNumber(doc, "expires_at", true, c.expires_at, error)
          && FieldInteger(doc, "seq", seq, present, error);
  }

bool CommandNumbers(const JsonObject &doc, Command &c, string &error)
  {
   return FieldNumber(doc, "volume", false, c.volume, error)
          && FieldNumber(doc, "price", false, c.price, error)
          && FieldNumber(doc, "stop_loss", false, c.stop_loss, error)
          && FieldNumber(doc, "take_profit", false, c.take_profit, error)
          && FieldNumber(doc, "sl_points", false, c.sl_points, error)
          && FieldNumber(doc, "tp_points", false, c.tp_points, error)
          && FieldNumber(doc, "sl_pips", false, c.sl_pips, error)
          && FieldNumber(doc, "tp_pips", false, c.tp_pips, error)
          && FieldNumber(doc, "risk_percent", false, c.risk_percent, error)
          && FieldNumber(doc, "max_volume", false, c.max_volume, error);
  }

bool CommandRest(const JsonObject &doc, Command &c, string &error)
  {
   long ticket;
   bool has_ticket;
   if(!FieldString(doc, "symbol", false, c.symbol, error)
      || !FieldString(doc, "original_symbol", false, c.original_symbol, error)
      || !FieldString(doc, "close_first", false, c.close_first, error)
      || !FieldString(doc, "comment", false, c.comment, error)
      || !FieldInteger(doc, "ticket", ticket, has_ticket, error)
      || !FieldMagic(doc, c.magic, error)
      || !FieldFlag(doc, "include_manual", c.include_manual, error)
      || !FieldString(doc, "order_type", false, c.order_type, error))
      return false;
   if(c.order_type == "")
      c.order_type = "market";
   if(c.order_type != "market" && c.order_type != "limit" && c.order_type != "stop")
      error = "unknown order_type '" + c.order_type + "'";
   else
      if(c.close_first != "" && c.close_first != "long" && c.close_first != "short")
         error = "close_first must be long, short or empty, not '" + c.close_first + "'";
      else
         if(!IsNone(c.max_volume) && c.max_volume <= 0)
            error = "max_volume must be above 0, not " + JsonNumberText(c.max_volume);
         else
            if(has_ticket && ticket <= 0)
               error = "ticket must be positive";
   c.ticket = has_ticket && ticket > 0 ? (ulong)ticket : 0;
   // MT5 keeps 31 characters of a comment; the server already cuts it.
   c.comment = StringSubstr(c.comment, 0, COMMENT_LENGTH);
   return error == "";
  }

//+------------------------------------------------------------------+
//| The checked command in `doc` (flat, with an id), or false with   |
//| the reason in `error`.                                           |
//+------------------------------------------------------------------+
bool CommandFromJson(const JsonObject &doc, Command &c, string &error)
  {
   error = "";
   c.id = doc.texts[JsonFind(doc, "id")];
   return CommandHeader(doc, c, error) && CommandNumbers(doc, c, error)
          && CommandRest(doc, c, error);
  }

// The id of a flat file: a non-empty string "id", else "".
string FlatId(const JsonObject &doc)
  {
   int at = JsonFind(doc, "id");
   if(at < 0 || doc.kinds[at] != JSON_STRING)
      return "";
   return doc.texts[at];
  }

//+------------------------------------------------------------------+
//| Results                                                          |
//+------------------------------------------------------------------+
void ResultReset(Result &r, string status, uint retcode, string message)
  {
   r.status = status;
   r.retcode = retcode;
   r.ticket = 0;
   r.price = EMPTY_VALUE;
   r.volume = EMPTY_VALUE;
   r.message = message;
   r.closed = -1;
   r.cancelled = -1;
   r.modified = -1;
   r.failed = -1;
   r.has_order = false;
   r.order = 0;
   r.deal = 0;
   r.code = "";
   r.closed_volume = EMPTY_VALUE;
   r.remaining_volume = EMPTY_VALUE;
  }

// Refused before anything was sent: retcode 0 (PROTOCOL.md 4).
void Refused(Result &r, string message)
  {
   ResultReset(r, "rejected", 0, message + " (not sent)");
  }

void PutCount(string &text, string key, int value)
  {
   if(value >= 0)
      JsonPutInteger(text, key, value);
  }

// The protocol's fields first, in its order; the optional ones after.
string ResultJson(string id, string login, const Result &r, double now)
  {
   string text = "{";
   JsonPutInteger(text, "protocol", PROTOCOL_VERSION);
   JsonPutString(text, "id", id);
   JsonPutString(text, "account", login);
   JsonPutString(text, "status", r.status);
   JsonPutInteger(text, "retcode", (long)r.retcode);
   if(r.ticket > 0)
      JsonPutInteger(text, "ticket", (long)r.ticket);
   else
      JsonPutNull(text, "ticket");
   JsonPutNumber(text, "price", r.price);
   JsonPutNumber(text, "volume", r.volume);
   JsonPutString(text, "message", r.message);
   JsonPutNumber(text, "time", now);
   PutCount(text, "closed", r.closed);
   PutCount(text, "cancelled", r.cancelled);
   PutCount(text, "modified", r.modified);
   PutCount(text, "failed", r.failed);
   if(r.has_order)
     {
      JsonPutInteger(text, "order", (long)r.order);
      JsonPutInteger(text, "deal", (long)r.deal);
     }
   if(r.code != "")
      JsonPutString(text, "code", r.code);
   if(!IsNone(r.remaining_volume))
     {
      JsonPutNumber(text, "closed_volume", r.closed_volume);
      JsonPutNumber(text, "remaining_volume", r.remaining_volume);
     }
   return text + "}";
  }
//+------------------------------------------------------------------+
