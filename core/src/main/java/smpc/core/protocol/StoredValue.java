package smpc.core.protocol;

import smpc.proto.ValueInfo;

/** A named value as a party stores it: metadata plus the plain value or this party's share. */
public record StoredValue(ValueInfo info, long[] data) {}
