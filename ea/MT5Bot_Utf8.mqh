//+------------------------------------------------------------------+
//| MT5Bot_Utf8.mqh: UTF-8 checked byte by byte, so a command file's |
//| encoding is decided here, not by a code page (PROTOCOL.md 1).    |
//+------------------------------------------------------------------+
//+------------------------------------------------------------------+
//| Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF), as |
//| Python's decoder.                                                |
//+------------------------------------------------------------------+
int Utf8Length(const uchar &b[], int pos, int size)
  {
   int c = b[pos];
   if(c < 0x80)
      return 1;
   int need = 0;
   int low = 0x80, high = 0xBF;
   if(c >= 0xC2 && c <= 0xDF)
      need = 1;
   else
      if(c >= 0xE0 && c <= 0xEF)
        {
         need = 2;
         if(c == 0xE0)
            low = 0xA0;
         if(c == 0xED)
            high = 0x9F;
        }
      else
         if(c >= 0xF0 && c <= 0xF4)
           {
            need = 3;
            if(c == 0xF0)
               low = 0x90;
            if(c == 0xF4)
               high = 0x8F;
           }
         else
            return 0;
   if(pos + need > size - 1)
      return 0;
   for(int i = 1; i <= need; i++)
     {
      int next = b[pos + i];
      int lo = (i == 1) ? low : 0x80;
      int hi = (i == 1) ? high : 0xBF;
      if(next < lo || next > hi)
         return 0;
     }
   return need + 1;
  }

bool Utf8Valid(const uchar &b[], int start, int size)
  {
   int pos = start;
   while(pos < size)
     {
      int length = Utf8Length(b, pos, size);
      if(length == 0)
         return false;
      pos += length;
     }
   return true;
  }
//+------------------------------------------------------------------+
