package io.bridgewall.kernel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A rule's comment as nft stores it in rule userdata: TLV entries of one type byte and one
 * length byte (NFTNL_UDATA_RULE_COMMENT is type 0, the value NUL-terminated).
 */
final class RuleComment {
    private static final int COMMENT = 0;
    /** NFTNL_UDATA_COMMENT_MAXLEN */
    static final int MAX_LENGTH = 128;

    private RuleComment() {
    }

    static byte[] encode(String comment) {
        byte[] text = comment.getBytes(StandardCharsets.UTF_8);
        if (text.length + 1 > MAX_LENGTH) {
            throw new IllegalArgumentException("rule comment longer than " + (MAX_LENGTH - 1) + " bytes: " + comment);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(COMMENT);
        out.write(text.length + 1);
        out.writeBytes(text);
        out.write(0);
        return out.toByteArray();
    }

    static String decode(byte[] userdata) {
        int offset = 0;
        while (offset + 2 <= userdata.length) {
            int type = userdata[offset] & 0xff;
            int length = userdata[offset + 1] & 0xff;
            if (offset + 2 + length > userdata.length) {
                return "";
            }
            if (type == COMMENT && length > 0) {
                int end = offset + 2;
                while (end < offset + 2 + length && userdata[end] != 0) {
                    end++;
                }
                return new String(userdata, offset + 2, end - offset - 2, StandardCharsets.UTF_8);
            }
            offset += 2 + length;
        }
        return "";
    }
}
