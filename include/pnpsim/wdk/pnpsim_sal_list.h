/* SPDX-License-Identifier: MIT */
/*
 * This file implements the SAL annotations used by pnpsim's own WDK headers as no-ops. It is
 * the seed of the full vocabulary (sal.h / driverspecs.h), which later grows here.
 */
#ifndef PNPSIM_WDK_SAL_LIST_H
#define PNPSIM_WDK_SAL_LIST_H
#define _In_
#define _In_opt_
#define _Out_
#define _Out_opt_
#define _Inout_
#define _Inout_opt_
#define _In_z_
#define _In_opt_z_
#define _Outptr_
#define _Outptr_opt_
#define _Outptr_result_maybenull_
#define _Outptr_result_buffer_(s)
#define _In_reads_(s)
#define _In_reads_opt_(s)
#define _In_reads_bytes_(s)
#define _In_reads_bytes_opt_(s)
#define _Out_writes_(s)
#define _Out_writes_opt_(s)
#define _Out_writes_bytes_(s)
#define _Out_writes_bytes_opt_(s)
#define _Out_writes_bytes_to_(s, c)
#define _Out_writes_bytes_to_opt_(s, c)
#define _Out_writes_to_(s, c)
#define _Inout_updates_(s)
#define _Inout_updates_bytes_(s)
#define _Ret_maybenull_
#define _Ret_notnull_
#define _Must_inspect_result_
#define _Check_return_
#define _Success_(e)
#define _When_(c, a)
#define _At_(t, a)
#define _Pre_
#define _Post_
#define _Pre_notnull_
#define _Post_invalid_
#define _Post_ptr_invalid_
#define _Post_satisfies_(e)
#define _Pre_satisfies_(e)
#define _Null_terminated_
#define _NullNull_terminated_
#define _Field_size_(s)
#define _Field_size_bytes_(s)
#define _Field_size_bytes_part_(s, c)
#define _Field_range_(a, b)
#define _Use_decl_annotations_
#define _Function_class_(x)
#define _Dispatch_type_(x)
#define _IRQL_requires_(x)
#define _IRQL_requires_max_(x)
#define _IRQL_requires_min_(x)
#define _IRQL_requires_same_
#define _IRQL_raises_(x)
#define _IRQL_saves_
#define _IRQL_restores_
#define _IRQL_saves_global_(k, o)
#define _IRQL_restores_global_(k, o)
#define _IRQL_always_function_max_(x)
#define _IRQL_always_function_min_(x)
#define _Requires_lock_held_(l)
#define _Requires_lock_not_held_(l)
#define _Acquires_lock_(l)
#define _Releases_lock_(l)
#define _Acquires_exclusive_lock_(l)
#define _Releases_exclusive_lock_(l)
#define _Guarded_by_(l)
#define _Kernel_clear_do_init_(x)
#define _Kernel_requires_resource_held_(x)
#define _Kernel_float_saved_
#define _Kernel_float_restored_
#define _Analysis_assume_(e)
#define __analysis_assume(e)
#define _Frees_ptr_
#define _Frees_ptr_opt_
#define _Post_writable_byte_size_(s)
#define _Result_nullonfailure_
#define _Ret_range_(a, b)
#define _In_range_(a, b)
#define _Out_range_(a, b)
#define _Deref_out_range_(a, b)
#define _Printf_format_string_
#define _Reserved_
#define _Interlocked_operand_
#define _Strict_type_match_
#define _Literal_
#define _Notliteral_
#define _Enum_is_bitflag_
#define _Points_to_data_
#define _Outptr_result_bytebuffer_(s)
#define _Out_writes_z_(s)
#define _Inout_updates_z_(s)
#define _Ret_writes_bytes_maybenull_(s)
#define _Post_maybenull_
#define _Deref_post_maybenull_
#define _Always_(a)
#define _On_failure_(a)
#define _Kernel_IoGetDmaAdapter_
#define _Kernel_acquires_resource_(x)
#define _Kernel_releases_resource_(x)
#define __drv_aliasesMem
#define __drv_allocatesMem(k)
#define __drv_freesMem(k)
#define __drv_dispatchType(x)
#define __drv_maxIRQL(x)
#define __drv_minIRQL(x)
#define __drv_requiresIRQL(x)
#define __drv_sameIRQL
#define __drv_savesIRQL
#define __drv_restoresIRQL
#define __drv_when(c, a)
#define __drv_functionClass(x)
#define __drv_strictTypeMatch(x)
#define __drv_arg(a, b)
#define __drv_out(a)
#define __drv_in(a)
#define __drv_reportError(x)
#define __drv_valueIs(x)
#define __drv_inTry
#define __drv_useCancelIRQL
#define __in
#define __out
#define __inout
#define __in_opt
#define __out_opt
#define __inout_opt
#define __in_bcount(x)
#define __out_bcount(x)
#define __in_ecount(x)
#define __out_ecount(x)
#define __deref_out
#define __checkReturn
#define __success(x)
#endif /* PNPSIM_WDK_SAL_LIST_H */
