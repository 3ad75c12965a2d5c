package io.bridgewall.nativelib;

import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.u_int16_t;
import jnr.ffi.types.u_int32_t;
import jnr.ffi.types.u_int64_t;

/**
 * Raw jnr-ffi binding of the parts of libnftnl (libnftnl.so.11) that bridgewall uses.
 * Nothing here is safe to call with arbitrary input: libnftnl aborts the process on an
 * unknown attribute id. Only the owners in {@code io.bridgewall.nftnl} call it, with
 * attribute ids from {@link NftnlAttr}.
 */
public interface LibNftnl {
    // --- message helpers -------------------------------------------------------------
    Pointer nftnl_nlmsg_build_hdr(Pointer buf, @u_int16_t int type, @u_int16_t int family,
                                  @u_int16_t int flags, @u_int32_t int seq);

    Pointer nftnl_batch_begin(Pointer buf, @u_int32_t int seq);

    Pointer nftnl_batch_end(Pointer buf, @u_int32_t int seq);

    // --- tables ------------------------------------------------------------------------
    Pointer nftnl_table_alloc();

    void nftnl_table_free(Pointer table);

    boolean nftnl_table_is_set(Pointer table, @u_int16_t int attr);

    int nftnl_table_set_str(Pointer table, @u_int16_t int attr, String value);

    void nftnl_table_set_u32(Pointer table, @u_int16_t int attr, @u_int32_t int value);

    String nftnl_table_get_str(Pointer table, @u_int16_t int attr);

    @u_int32_t int nftnl_table_get_u32(Pointer table, @u_int16_t int attr);

    @u_int64_t long nftnl_table_get_u64(Pointer table, @u_int16_t int attr);

    void nftnl_table_nlmsg_build_payload(Pointer nlh, Pointer table);

    int nftnl_table_nlmsg_parse(Pointer nlh, Pointer table);

    // --- chains ------------------------------------------------------------------------
    Pointer nftnl_chain_alloc();

    void nftnl_chain_free(Pointer chain);

    boolean nftnl_chain_is_set(Pointer chain, @u_int16_t int attr);

    int nftnl_chain_set_str(Pointer chain, @u_int16_t int attr, String value);

    void nftnl_chain_set_u32(Pointer chain, @u_int16_t int attr, @u_int32_t int value);

    void nftnl_chain_set_s32(Pointer chain, @u_int16_t int attr, int value);

    String nftnl_chain_get_str(Pointer chain, @u_int16_t int attr);

    @u_int32_t int nftnl_chain_get_u32(Pointer chain, @u_int16_t int attr);

    int nftnl_chain_get_s32(Pointer chain, @u_int16_t int attr);

    void nftnl_chain_nlmsg_build_payload(Pointer nlh, Pointer chain);

    int nftnl_chain_nlmsg_parse(Pointer nlh, Pointer chain);

    // --- rules -------------------------------------------------------------------------
    Pointer nftnl_rule_alloc();

    void nftnl_rule_free(Pointer rule);

    boolean nftnl_rule_is_set(Pointer rule, @u_int16_t int attr);

    int nftnl_rule_set_str(Pointer rule, @u_int16_t int attr, String value);

    void nftnl_rule_set_u32(Pointer rule, @u_int16_t int attr, @u_int32_t int value);

    int nftnl_rule_set_data(Pointer rule, @u_int16_t int attr, byte[] data, @u_int32_t int length);

    String nftnl_rule_get_str(Pointer rule, @u_int16_t int attr);

    @u_int32_t int nftnl_rule_get_u32(Pointer rule, @u_int16_t int attr);

    @u_int64_t long nftnl_rule_get_u64(Pointer rule, @u_int16_t int attr);

    Pointer nftnl_rule_get_data(Pointer rule, @u_int16_t int attr, IntByReference length);

    /** Takes ownership of the expression: it is freed with the rule. */
    void nftnl_rule_add_expr(Pointer rule, Pointer expr);

    void nftnl_rule_nlmsg_build_payload(Pointer nlh, Pointer rule);

    int nftnl_rule_nlmsg_parse(Pointer nlh, Pointer rule);

    Pointer nftnl_expr_iter_create(Pointer rule);

    Pointer nftnl_expr_iter_next(Pointer iter);

    void nftnl_expr_iter_destroy(Pointer iter);

    // --- expressions -------------------------------------------------------------------
    Pointer nftnl_expr_alloc(String name);

    void nftnl_expr_free(Pointer expr);

    boolean nftnl_expr_is_set(Pointer expr, @u_int16_t int attr);

    int nftnl_expr_set(Pointer expr, @u_int16_t int attr, byte[] data, @u_int32_t int length);

    void nftnl_expr_set_u16(Pointer expr, @u_int16_t int attr, @u_int16_t int value);

    void nftnl_expr_set_u32(Pointer expr, @u_int16_t int attr, @u_int32_t int value);

    void nftnl_expr_set_u64(Pointer expr, @u_int16_t int attr, @u_int64_t long value);

    int nftnl_expr_set_str(Pointer expr, @u_int16_t int attr, String value);

    Pointer nftnl_expr_get(Pointer expr, @u_int16_t int attr, IntByReference length);

    @u_int16_t int nftnl_expr_get_u16(Pointer expr, @u_int16_t int attr);

    @u_int32_t int nftnl_expr_get_u32(Pointer expr, @u_int16_t int attr);

    @u_int64_t long nftnl_expr_get_u64(Pointer expr, @u_int16_t int attr);

    /** Writes the expression as `nft --debug=netlink` shows it; returns the length it needed. */
    int nftnl_expr_snprintf(byte[] buf, @jnr.ffi.types.size_t long size, Pointer expr, @u_int32_t int type,
                            @u_int32_t int flags);

    String nftnl_expr_get_str(Pointer expr, @u_int16_t int attr);

    // --- sets and elements -------------------------------------------------------------
    Pointer nftnl_set_alloc();

    void nftnl_set_free(Pointer set);

    boolean nftnl_set_is_set(Pointer set, @u_int16_t int attr);

    int nftnl_set_set_str(Pointer set, @u_int16_t int attr, String value);

    void nftnl_set_set_u32(Pointer set, @u_int16_t int attr, @u_int32_t int value);

    int nftnl_set_set_data(Pointer set, @u_int16_t int attr, byte[] data, @u_int32_t int length);

    String nftnl_set_get_str(Pointer set, @u_int16_t int attr);

    @u_int32_t int nftnl_set_get_u32(Pointer set, @u_int16_t int attr);

    @u_int64_t long nftnl_set_get_u64(Pointer set, @u_int16_t int attr);

    void nftnl_set_nlmsg_build_payload(Pointer nlh, Pointer set);

    int nftnl_set_nlmsg_parse(Pointer nlh, Pointer set);

    void nftnl_set_elems_nlmsg_build_payload(Pointer nlh, Pointer set);

    int nftnl_set_elems_nlmsg_parse(Pointer nlh, Pointer set);

    Pointer nftnl_set_elem_alloc();

    void nftnl_set_elem_free(Pointer elem);

    /** Takes ownership of the element: it is freed with the set. */
    void nftnl_set_elem_add(Pointer set, Pointer elem);

    int nftnl_set_elem_set(Pointer elem, @u_int16_t int attr, byte[] data, @u_int32_t int length);

    void nftnl_set_elem_set_u32(Pointer elem, @u_int16_t int attr, @u_int32_t int value);

    boolean nftnl_set_elem_is_set(Pointer elem, @u_int16_t int attr);

    Pointer nftnl_set_elem_get(Pointer elem, @u_int16_t int attr, IntByReference length);

    @u_int32_t int nftnl_set_elem_get_u32(Pointer elem, @u_int16_t int attr);

    @u_int64_t long nftnl_set_elem_get_u64(Pointer elem, @u_int16_t int attr);

    String nftnl_set_elem_get_str(Pointer elem, @u_int16_t int attr);

    Pointer nftnl_set_elems_iter_create(Pointer set);

    Pointer nftnl_set_elems_iter_next(Pointer iter);

    void nftnl_set_elems_iter_destroy(Pointer iter);

    // --- stateful objects (counter, quota, limit, ...) ------------------------------------
    Pointer nftnl_obj_alloc();

    void nftnl_obj_free(Pointer obj);

    boolean nftnl_obj_is_set(Pointer obj, @u_int16_t int attr);

    int nftnl_obj_set_str(Pointer obj, @u_int16_t int attr, String value);

    int nftnl_obj_set_u32(Pointer obj, @u_int16_t int attr, @u_int32_t int value);

    String nftnl_obj_get_str(Pointer obj, @u_int16_t int attr);

    @u_int32_t int nftnl_obj_get_u32(Pointer obj, @u_int16_t int attr);

    @u_int64_t long nftnl_obj_get_u64(Pointer obj, @u_int16_t int attr);

    void nftnl_obj_nlmsg_build_payload(Pointer nlh, Pointer obj);

    int nftnl_obj_nlmsg_parse(Pointer nlh, Pointer obj);

    int nftnl_obj_snprintf(byte[] buf, @jnr.ffi.types.size_t long size, Pointer obj, @u_int32_t int type,
                           @u_int32_t int flags);

    // --- flowtables ----------------------------------------------------------------------
    Pointer nftnl_flowtable_alloc();

    void nftnl_flowtable_free(Pointer flowtable);

    boolean nftnl_flowtable_is_set(Pointer flowtable, @u_int16_t int attr);

    int nftnl_flowtable_set_str(Pointer flowtable, @u_int16_t int attr, String value);

    void nftnl_flowtable_set_u32(Pointer flowtable, @u_int16_t int attr, @u_int32_t int value);

    String nftnl_flowtable_get_str(Pointer flowtable, @u_int16_t int attr);

    @u_int32_t int nftnl_flowtable_get_u32(Pointer flowtable, @u_int16_t int attr);

    int nftnl_flowtable_get_s32(Pointer flowtable, @u_int16_t int attr);

    /** A NULL-terminated array of device names, owned by the flowtable. */
    Pointer nftnl_flowtable_get_array(Pointer flowtable, @u_int16_t int attr);

    void nftnl_flowtable_nlmsg_build_payload(Pointer nlh, Pointer flowtable);

    int nftnl_flowtable_nlmsg_parse(Pointer nlh, Pointer flowtable);

    // --- generation --------------------------------------------------------------------
    Pointer nftnl_gen_alloc();

    void nftnl_gen_free(Pointer gen);

    int nftnl_gen_nlmsg_parse(Pointer nlh, Pointer gen);

    @u_int32_t int nftnl_gen_get_u32(Pointer gen, @u_int16_t int attr);
}
