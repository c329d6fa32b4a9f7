/**
 * Size of one MPEG-2 transport stream packet (ISO/IEC 13818-1 §2.4.3.2). It lives with the RTP
 * format so that both the RTP payload format and the MPEG-TS reader/writer (which may depend on
 * formats, not the other way round) use one definition.
 */
export const TS_PACKET_SIZE = 188;

/** First byte of every transport stream packet. */
export const TS_SYNC_BYTE = 0x47;
