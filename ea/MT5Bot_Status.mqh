//+------------------------------------------------------------------+
//| MT5Bot_Status.mqh: the heartbeat and the symbols file            |
//| (PROTOCOL.md 5).                                                 |
//+------------------------------------------------------------------+
long g_heartbeat_seq;

// terminal, program and account all allow automated trading; "" when
// they do, else which one does not (docs/mt5.md 6).
string TradeBlocker()
  {
   if(TerminalInfoInteger(TERMINAL_TRADE_ALLOWED) == 0)
      return "automated trading is off in the terminal (the Algo Trading button)";
   if(MQLInfoInteger(MQL_TRADE_ALLOWED) == 0)
      return "automated trading is off for this EA (its Allow Algo Trading box)";
   if(AccountInfoInteger(ACCOUNT_TRADE_EXPERT) == 0)
      return "the broker does not allow expert advisors on this account";
   if(AccountInfoInteger(ACCOUNT_TRADE_ALLOWED) == 0)
      return "trading is not allowed on this account (an investor login?)";
   return "";
  }

string MarginModeText()
  {
   long mode = AccountInfoInteger(ACCOUNT_MARGIN_MODE);
   if(mode == ACCOUNT_MARGIN_MODE_RETAIL_HEDGING)
      return "hedging";
   return mode == ACCOUNT_MARGIN_MODE_EXCHANGE ? "exchange" : "netting";
  }

// Carry `seq` on across restarts, so it only ever increases.
long LastHeartbeatSeq()
  {
   uchar bytes[];
   int size = ReadBytes(HEARTBEAT_FILE, bytes, JSON_MAX_BYTES);
   if(size <= 0)
      return 0;
   JsonObject doc;
   JsonRead(bytes, size, doc);
   int at = JsonFind(doc, "seq");
   if(!doc.flat || at < 0 || doc.kinds[at] != JSON_INT)
      return 0;
   return StringToInteger(doc.texts[at]);
  }

// When and by which compiler build this copy was compiled (PROTOCOL.md 5,
// `ea_build`): the compiling machine's clock, so a recompiled EA shows as one.
string EaBuild()
  {
   return TimeToString(__DATETIME__, TIME_DATE | TIME_MINUTES) + " mql5-"
          + IntegerToString(__MQLBUILD__);
  }

string HeartbeatJson(string login, int pending, string state)
  {
   string text = "{";
   JsonPutInteger(text, "protocol", PROTOCOL_VERSION);
   JsonPutString(text, "ea_version", EA_VERSION);
   JsonPutString(text, "ea_build", EaBuild());
   JsonPutString(text, "kind", "mt5");
   JsonPutString(text, "login", login);
   JsonPutString(text, "server", AccountInfoString(ACCOUNT_SERVER));
   JsonPutString(text, "company", AccountInfoString(ACCOUNT_COMPANY));
   JsonPutBool(text, "connected", TerminalInfoInteger(TERMINAL_CONNECTED) != 0);
   JsonPutBool(text, "trade_allowed", TradeBlocker() == "");
   JsonPutString(text, "margin_mode", MarginModeText());
   JsonPutString(text, "currency", AccountInfoString(ACCOUNT_CURRENCY));
   JsonPutNumber(text, "balance", AccountInfoDouble(ACCOUNT_BALANCE));
   JsonPutNumber(text, "equity", AccountInfoDouble(ACCOUNT_EQUITY));
   JsonPutNumber(text, "margin_free", AccountInfoDouble(ACCOUNT_MARGIN_FREE));
   JsonPutInteger(text, "positions", PositionsTotal());
   JsonPutInteger(text, "orders", OrdersTotal());
   JsonPutInteger(text, "pending_commands", pending);
   JsonPutNumber(text, "time", (double)TimeGMT());
   JsonPutNumber(text, "terminal_time", (double)TimeTradeServer());
   JsonPutString(text, "data_path", TerminalInfoString(TERMINAL_DATA_PATH));
   JsonPutInteger(text, "seq", g_heartbeat_seq);
   if(state != "")
      JsonPutString(text, "state", state);
   return text + "}";
  }

string TradeModeText(long mode)
  {
   string names[] = {"disabled", "longonly", "shortonly", "closeonly", "full"};
   return mode >= 0 && mode < ArraySize(names) ? names[(int)mode] : "disabled";
  }

// SYMBOL_TRADE_CALC_MODE as text (PROTOCOL.md 5). Compared by name: the
// enumeration's numbers are the terminal's business.
string CalcModeText(long mode)
  {
   if(mode == SYMBOL_CALC_MODE_FOREX)
      return "forex";
   if(mode == SYMBOL_CALC_MODE_FOREX_NO_LEVERAGE)
      return "forex_no_leverage";
   if(mode == SYMBOL_CALC_MODE_FUTURES)
      return "futures";
   if(mode == SYMBOL_CALC_MODE_CFD)
      return "cfd";
   if(mode == SYMBOL_CALC_MODE_CFDINDEX)
      return "cfd_index";
   if(mode == SYMBOL_CALC_MODE_CFDLEVERAGE)
      return "cfd_leverage";
   if(mode == SYMBOL_CALC_MODE_EXCH_STOCKS)
      return "exch_stocks";
   if(mode == SYMBOL_CALC_MODE_EXCH_FUTURES)
      return "exch_futures";
   if(mode == SYMBOL_CALC_MODE_EXCH_FUTURES_FORTS)
      return "exch_futures_forts";
   if(mode == SYMBOL_CALC_MODE_EXCH_BONDS)
      return "exch_bonds";
   if(mode == SYMBOL_CALC_MODE_EXCH_STOCKS_MOEX)
      return "exch_stocks_moex";
   if(mode == SYMBOL_CALC_MODE_EXCH_BONDS_MOEX)
      return "exch_bonds_moex";
   if(mode == SYMBOL_CALC_MODE_SERV_COLLATERAL)
      return "serv_collateral";
   return "unknown";
  }

string SymbolJson(string name)
  {
   string text = "{";
   JsonPutString(text, "name", name);
   JsonPutString(text, "description", SymbolInfoString(name, SYMBOL_DESCRIPTION));
   JsonPutInteger(text, "digits", SymbolInfoInteger(name, SYMBOL_DIGITS));
   JsonPutNumber(text, "point", SymbolInfoDouble(name, SYMBOL_POINT));
   JsonPutNumber(text, "tick_size", SymbolInfoDouble(name, SYMBOL_TRADE_TICK_SIZE));
   JsonPutNumber(text, "tick_value", SymbolInfoDouble(name, SYMBOL_TRADE_TICK_VALUE));
   JsonPutNumber(text, "contract_size", SymbolInfoDouble(name, SYMBOL_TRADE_CONTRACT_SIZE));
   JsonPutNumber(text, "volume_min", SymbolInfoDouble(name, SYMBOL_VOLUME_MIN));
   JsonPutNumber(text, "volume_step", SymbolInfoDouble(name, SYMBOL_VOLUME_STEP));
   JsonPutNumber(text, "volume_max", SymbolInfoDouble(name, SYMBOL_VOLUME_MAX));
   JsonPutInteger(text, "stops_level", SymbolInfoInteger(name, SYMBOL_TRADE_STOPS_LEVEL));
   JsonPutInteger(text, "freeze_level", SymbolInfoInteger(name, SYMBOL_TRADE_FREEZE_LEVEL));
   JsonPutInteger(text, "filling_modes", SymbolInfoInteger(name, SYMBOL_FILLING_MODE));
   JsonPutString(text, "trade_mode", TradeModeText(SymbolInfoInteger(name, SYMBOL_TRADE_MODE)));
   JsonPutString(text, "currency_base", SymbolInfoString(name, SYMBOL_CURRENCY_BASE));
   JsonPutString(text, "currency_profit", SymbolInfoString(name, SYMBOL_CURRENCY_PROFIT));
   JsonPutString(text, "currency_margin", SymbolInfoString(name, SYMBOL_CURRENCY_MARGIN));
   JsonPutString(text, "path", SymbolInfoString(name, SYMBOL_PATH));
   JsonPutString(text, "calc_mode", CalcModeText(SymbolInfoInteger(name, SYMBOL_TRADE_CALC_MODE)));
   JsonPutInteger(text, "expiration_time", SymbolInfoInteger(name, SYMBOL_EXPIRATION_TIME));
   return text + "}";
  }

// Every symbol the broker offers, not only Market Watch's: the server
// resolves alert symbols against this list. The file's content, and the
// body the HTTP transport posts (MT5Bot_Http.mqh HttpSendSymbols).
string SymbolsJson(string login)
  {
   string text = "{";
   JsonPutInteger(text, "protocol", PROTOCOL_VERSION);
   JsonPutString(text, "login", login);
   JsonPutNumber(text, "time", (double)TimeGMT());
   JsonKey(text, "symbols");
   text += "[";
   int total = SymbolsTotal(false);
   for(int i = 0; i < total; i++)
      text += (i > 0 ? "," : "") + SymbolJson(SymbolName(i, false));
   return text + "]}";
  }

bool WriteSymbols(string login)
  {
   return WriteTextAtomic(SYMBOLS_FILE, SymbolsJson(login));
  }
//+------------------------------------------------------------------+
