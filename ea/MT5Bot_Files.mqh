//+------------------------------------------------------------------+
//| MT5Bot_Files.mqh: the MQL5\Files folder (PROTOCOL.md 1 and 2):   |
//| listing in name order, whole-file reads, atomic writes, and the  |
//| executed-id memory webhook_executed.txt.                         |
//+------------------------------------------------------------------+
#define COMMAND_PREFIX     "webhook_command_"
#define IN_PROGRESS_PREFIX "webhook_inprogress_"
#define RESULT_PREFIX      "webhook_result_"
#define BAD_PREFIX         "webhook_bad_"
#define BAD_RESULT_PREFIX  "webhook_badresult_"
#define JSON_SUFFIX        ".json"
#define TEMP_PREFIX        "tmp_"
#define TEMP_SUFFIX        ".part"
#define HEARTBEAT_FILE     "webhook_heartbeat.json"
#define SYMBOLS_FILE       "webhook_symbols.json"
#define SYMBOLS_REQUEST    "webhook_symbols_request.json"
#define EXECUTED_FILE      "webhook_executed.txt"
#define MOVE_ATTEMPTS      20

string g_executed[];   // ids in webhook_executed.txt, in file order
int    g_executed_count;
ulong  g_executed_read;   // bytes of webhook_executed.txt read into g_executed
int    g_temp_counter;

bool StartsWith(string text, string prefix)
  {
   return StringFind(text, prefix) == 0;
  }

bool EndsWith(string text, string suffix)
  {
   int at = StringLen(text) - StringLen(suffix);
   return at >= 0 && StringSubstr(text, at) == suffix;
  }

void SortNames(string &names[])
  {
   for(int i = 1; i < ArraySize(names); i++)
     {
      string name = names[i];
      int j = i - 1;
      while(j >= 0 && StringCompare(names[j], name) > 0)
        {
         names[j + 1] = names[j];
         j--;
        }
      names[j + 1] = name;
     }
  }

//+------------------------------------------------------------------+
//| Files named <prefix>*.json, sorted. FileFindFirst also matches   |
//| 8.3 short names (docs/mt5.md 2), so each name is checked again.  |
//+------------------------------------------------------------------+
int ListFiles(string prefix, string &names[])
  {
   ArrayResize(names, 0);
   string name;
   long search = FileFindFirst(prefix + "*" + JSON_SUFFIX, name);
   if(search == INVALID_HANDLE)
      return 0;
   int count = 0;
   do
     {
      if(StartsWith(name, prefix) && EndsWith(name, JSON_SUFFIX))
        {
         ArrayResize(names, count + 1);
         names[count++] = name;
        }
     }
   while(FileFindNext(search, name));
   FileFindClose(search);
   SortNames(names);
   return count;
  }

//+------------------------------------------------------------------+
//| At most `limit` bytes of `name`; -1 when it cannot be opened now |
//| (being renamed, held by an antivirus): the caller tries again.   |
//+------------------------------------------------------------------+
int ReadBytes(string name, uchar &bytes[], int limit)
  {
   int handle = FileOpen(name, FILE_READ | FILE_BIN | FILE_SHARE_READ);
   if(handle == INVALID_HANDLE)
      return -1;
   ulong size = FileSize(handle);
   int count = size > (ulong)limit ? limit : (int)size;
   ArrayResize(bytes, count);
   uint read = count > 0 ? FileReadArray(handle, bytes, 0, count) : 0;
   FileClose(handle);
   return (int)read;
  }

int TextToBytes(string text, uchar &bytes[])
  {
   int length = StringLen(text);
   if(length == 0)
     {
      ArrayResize(bytes, 0);
      return 0;
     }
   int count = StringToCharArray(text, bytes, 0, length, CP_UTF8);
   ArrayResize(bytes, count);
   return count;
  }

// Rename with retries: on Windows a rename fails while another program
// holds either file (docs/mt5.md 3).
bool MoveFile(string from, string to, int flags)
  {
   for(int attempt = 0; attempt < MOVE_ATTEMPTS; attempt++)
     {
      if(FileMove(from, 0, to, flags))
         return true;
      if(flags == 0 && FileIsExist(to))
         return false;   // not a held file: the target exists
      Sleep(5 * (attempt + 1));
     }
   return false;
  }

//+------------------------------------------------------------------+
//| Write a temporary file in the same folder and rename it onto     |
//| `name`, so no reader ever sees part of it (PROTOCOL.md 2).       |
//+------------------------------------------------------------------+
bool WriteBytesAtomic(string name, const uchar &bytes[], int count)
  {
   g_temp_counter++;
   string temp = TEMP_PREFIX + IntegerToString((long)GetMicrosecondCount()) + "_"
                 + IntegerToString(MathRand()) + "_" + IntegerToString(g_temp_counter)
                 + TEMP_SUFFIX;
   int handle = FileOpen(temp, FILE_WRITE | FILE_BIN);
   if(handle == INVALID_HANDLE)
     {
      PrintFormat("cannot create %s: error %d", temp, GetLastError());
      return false;
     }
   uint written = count > 0 ? FileWriteArray(handle, bytes, 0, count) : 0;
   FileClose(handle);
   if((int)written != count || !MoveFile(temp, name, FILE_REWRITE))
     {
      PrintFormat("cannot write %s: error %d", name, GetLastError());
      FileDelete(temp);
      return false;
     }
   return true;
  }

bool WriteTextAtomic(string name, string text)
  {
   uchar bytes[];
   int count = TextToBytes(text, bytes);
   return WriteBytesAtomic(name, bytes, count);
  }

//+------------------------------------------------------------------+
//| webhook_executed.txt: ids whose execution began, each written    |
//| before anything is sent (PROTOCOL.md 3, step 6).                 |
//+------------------------------------------------------------------+
void RememberId(string id)
  {
   if(g_executed_count >= ArraySize(g_executed))
      ArrayResize(g_executed, g_executed_count * 2 + 64);
   g_executed[g_executed_count++] = id;
  }

bool AppendText(string name, string text)
  {
   int handle = FileOpen(name, FILE_READ | FILE_WRITE | FILE_BIN);
   if(handle == INVALID_HANDLE)
      return false;
   uchar bytes[];
   int count = TextToBytes(text, bytes);
   bool ok = FileSeek(handle, 0, SEEK_END)
             && (int)FileWriteArray(handle, bytes, 0, count) == count;
   FileFlush(handle);
   FileClose(handle);
   return ok;
  }

// The ids in bytes[0, size); a last line without its end counts only when
// `whole`. Returns the bytes taken.
int RememberIds(const uchar &bytes[], int size, bool whole)
  {
   int start = 0;
   for(int i = 0; i <= size; i++)
     {
      if(i < size && bytes[i] != '\n')
         continue;
      if(i == size && !whole)
         break;   // another writer is mid-append: that line is read next time
      int end = i;
      while(end > start && (bytes[end - 1] == '\r' || bytes[end - 1] == ' '))
         end--;
      if(end > start)
         RememberId(CharArrayToString(bytes, start, end - start, CP_UTF8));
      start = i + 1 > size ? size : i + 1;
     }
   return start;
  }

// Read the ids; a crash mid-append leaves a line without its end, and the
// next id must not be glued to it.
bool LoadExecuted()
  {
   g_executed_count = 0;
   g_executed_read = 0;
   ArrayResize(g_executed, 0);
   if(!FileIsExist(EXECUTED_FILE))
      return true;
   uchar bytes[];
   int size = ReadBytes(EXECUTED_FILE, bytes, 2147483647);
   if(size < 0)
      return false;
   g_executed_read = (ulong)RememberIds(bytes, size, true);
   if(size > 0 && bytes[size - 1] != '\n')
      return AppendText(EXECUTED_FILE, "\n");
   return true;
  }

//+------------------------------------------------------------------+
//| The lines appended since the last read, by anyone: with one copy |
//| per terminal (MT5Bot_Init.mqh) that is only ever us, but an id   |
//| another writer claimed must never run here on the strength of    |
//| memory alone (belt and braces).                                  |
//+------------------------------------------------------------------+
void ReadNewIds()
  {
   int handle = FileOpen(EXECUTED_FILE, FILE_READ | FILE_BIN | FILE_SHARE_READ);
   if(handle == INVALID_HANDLE)
      return;
   ulong size = FileSize(handle);
   if(size < g_executed_read)
      g_executed_read = 0;   // replaced by a shorter file: read it all again
   int count = (int)(size - g_executed_read);
   uchar bytes[];
   ArrayResize(bytes, count);
   int read = 0;
   if(count > 0 && FileSeek(handle, (long)g_executed_read, SEEK_SET))
      read = (int)FileReadArray(handle, bytes, 0, count);
   FileClose(handle);
   g_executed_read += (ulong)RememberIds(bytes, read, false);
  }

bool InMemory(string id)
  {
   for(int i = g_executed_count - 1; i >= 0; i--)
      if(g_executed[i] == id)
         return true;
   return false;
  }

bool WasExecuted(string id)
  {
   if(InMemory(id))
      return true;
   ReadNewIds();
   return InMemory(id);
  }

// Remember `id` durably (flushed) before anything is sent for it.
bool MarkExecuted(string id)
  {
   if(!AppendText(EXECUTED_FILE, id + "\n"))
     {
      PrintFormat("cannot append to %s: error %d", EXECUTED_FILE, GetLastError());
      return false;
     }
   RememberId(id);
   return true;
  }
//+------------------------------------------------------------------+
