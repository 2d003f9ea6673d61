/* SPDX-License-Identifier: MIT */
/*
 * This file implements the SAL annotation vocabulary (sal.h, driverspecs.h and the older
 * __in/__drv_ forms) as no-ops: driver source annotated for the WDK's static analysis
 * compiles unchanged, and nothing here ever becomes a runtime check (__analysis_assume and
 * _Analysis_assume_ included).
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

/* ---- the full vocabulary of sal.h and driverspecs.h (issue 10): every annotation drivers
 * and WDK headers use, as no-ops. Each is guarded so a driver's own definition wins. ---- */
#ifndef _In_
#define _In_
#endif
#ifndef _In_opt_
#define _In_opt_
#endif
#ifndef _In_z_
#define _In_z_
#endif
#ifndef _In_opt_z_
#define _In_opt_z_
#endif
#ifndef _In_reads_
#define _In_reads_(a)
#endif
#ifndef _In_reads_opt_
#define _In_reads_opt_(a)
#endif
#ifndef _In_reads_bytes_
#define _In_reads_bytes_(a)
#endif
#ifndef _In_reads_bytes_opt_
#define _In_reads_bytes_opt_(a)
#endif
#ifndef _In_reads_z_
#define _In_reads_z_(a)
#endif
#ifndef _In_reads_opt_z_
#define _In_reads_opt_z_(a)
#endif
#ifndef _In_reads_or_z_
#define _In_reads_or_z_(a)
#endif
#ifndef _In_reads_or_z_opt_
#define _In_reads_or_z_opt_(a)
#endif
#ifndef _In_reads_to_ptr_
#define _In_reads_to_ptr_(a)
#endif
#ifndef _In_reads_to_ptr_opt_
#define _In_reads_to_ptr_opt_(a)
#endif
#ifndef _In_reads_to_ptr_z_
#define _In_reads_to_ptr_z_(a)
#endif
#ifndef _In_reads_to_ptr_opt_z_
#define _In_reads_to_ptr_opt_z_(a)
#endif
#ifndef _In_range_
#define _In_range_(a, b)
#endif
#ifndef _In_defensive_
#define _In_defensive_(a)
#endif
#ifndef _In_NLS_string_
#define _In_NLS_string_(a)
#endif
#ifndef _Out_
#define _Out_
#endif
#ifndef _Out_opt_
#define _Out_opt_
#endif
#ifndef _Out_writes_
#define _Out_writes_(a)
#endif
#ifndef _Out_writes_opt_
#define _Out_writes_opt_(a)
#endif
#ifndef _Out_writes_bytes_
#define _Out_writes_bytes_(a)
#endif
#ifndef _Out_writes_bytes_opt_
#define _Out_writes_bytes_opt_(a)
#endif
#ifndef _Out_writes_z_
#define _Out_writes_z_(a)
#endif
#ifndef _Out_writes_opt_z_
#define _Out_writes_opt_z_(a)
#endif
#ifndef _Out_writes_to_
#define _Out_writes_to_(a, b)
#endif
#ifndef _Out_writes_to_opt_
#define _Out_writes_to_opt_(a, b)
#endif
#ifndef _Out_writes_all_
#define _Out_writes_all_(a)
#endif
#ifndef _Out_writes_all_opt_
#define _Out_writes_all_opt_(a)
#endif
#ifndef _Out_writes_bytes_to_
#define _Out_writes_bytes_to_(a, b)
#endif
#ifndef _Out_writes_bytes_to_opt_
#define _Out_writes_bytes_to_opt_(a, b)
#endif
#ifndef _Out_writes_bytes_all_
#define _Out_writes_bytes_all_(a)
#endif
#ifndef _Out_writes_bytes_all_opt_
#define _Out_writes_bytes_all_opt_(a)
#endif
#ifndef _Out_writes_to_ptr_
#define _Out_writes_to_ptr_(a)
#endif
#ifndef _Out_writes_to_ptr_opt_
#define _Out_writes_to_ptr_opt_(a)
#endif
#ifndef _Out_writes_to_ptr_z_
#define _Out_writes_to_ptr_z_(a)
#endif
#ifndef _Out_writes_to_ptr_opt_z_
#define _Out_writes_to_ptr_opt_z_(a)
#endif
#ifndef _Out_range_
#define _Out_range_(a, b)
#endif
#ifndef _Out_z_cap_
#define _Out_z_cap_(a)
#endif
#ifndef _Out_cap_
#define _Out_cap_(a)
#endif
#ifndef _Out_bytecap_
#define _Out_bytecap_(a)
#endif
#ifndef _Out_z_bytecap_
#define _Out_z_bytecap_(a)
#endif
#ifndef _Out_opt_z_cap_
#define _Out_opt_z_cap_(a)
#endif
#ifndef _Inout_
#define _Inout_
#endif
#ifndef _Inout_opt_
#define _Inout_opt_
#endif
#ifndef _Inout_z_
#define _Inout_z_
#endif
#ifndef _Inout_opt_z_
#define _Inout_opt_z_
#endif
#ifndef _Inout_updates_
#define _Inout_updates_(a)
#endif
#ifndef _Inout_updates_opt_
#define _Inout_updates_opt_(a)
#endif
#ifndef _Inout_updates_z_
#define _Inout_updates_z_(a)
#endif
#ifndef _Inout_updates_opt_z_
#define _Inout_updates_opt_z_(a)
#endif
#ifndef _Inout_updates_to_
#define _Inout_updates_to_(a, b)
#endif
#ifndef _Inout_updates_to_opt_
#define _Inout_updates_to_opt_(a, b)
#endif
#ifndef _Inout_updates_all_
#define _Inout_updates_all_(a)
#endif
#ifndef _Inout_updates_all_opt_
#define _Inout_updates_all_opt_(a)
#endif
#ifndef _Inout_updates_bytes_
#define _Inout_updates_bytes_(a)
#endif
#ifndef _Inout_updates_bytes_opt_
#define _Inout_updates_bytes_opt_(a)
#endif
#ifndef _Inout_updates_bytes_to_
#define _Inout_updates_bytes_to_(a, b)
#endif
#ifndef _Inout_updates_bytes_to_opt_
#define _Inout_updates_bytes_to_opt_(a, b)
#endif
#ifndef _Inout_updates_bytes_all_
#define _Inout_updates_bytes_all_(a)
#endif
#ifndef _Inout_updates_bytes_all_opt_
#define _Inout_updates_bytes_all_opt_(a)
#endif
#ifndef _Inout_cap_
#define _Inout_cap_(a)
#endif
#ifndef _Inout_bytecap_
#define _Inout_bytecap_(a)
#endif
#ifndef _Inout_z_cap_
#define _Inout_z_cap_(a)
#endif
#ifndef _Outptr_
#define _Outptr_
#endif
#ifndef _Outptr_opt_
#define _Outptr_opt_
#endif
#ifndef _Outptr_result_maybenull_
#define _Outptr_result_maybenull_
#endif
#ifndef _Outptr_opt_result_maybenull_
#define _Outptr_opt_result_maybenull_
#endif
#ifndef _Outptr_result_z_
#define _Outptr_result_z_
#endif
#ifndef _Outptr_opt_result_z_
#define _Outptr_opt_result_z_
#endif
#ifndef _Outptr_result_maybenull_z_
#define _Outptr_result_maybenull_z_
#endif
#ifndef _Outptr_opt_result_maybenull_z_
#define _Outptr_opt_result_maybenull_z_
#endif
#ifndef _Outptr_result_nullonfailure_
#define _Outptr_result_nullonfailure_
#endif
#ifndef _Outptr_opt_result_nullonfailure_
#define _Outptr_opt_result_nullonfailure_
#endif
#ifndef _Outptr_result_buffer_
#define _Outptr_result_buffer_(a)
#endif
#ifndef _Outptr_opt_result_buffer_
#define _Outptr_opt_result_buffer_(a)
#endif
#ifndef _Outptr_result_buffer_to_
#define _Outptr_result_buffer_to_(a, b)
#endif
#ifndef _Outptr_result_buffer_maybenull_
#define _Outptr_result_buffer_maybenull_(a)
#endif
#ifndef _Outptr_opt_result_buffer_maybenull_
#define _Outptr_opt_result_buffer_maybenull_(a)
#endif
#ifndef _Outptr_result_bytebuffer_
#define _Outptr_result_bytebuffer_(a)
#endif
#ifndef _Outptr_opt_result_bytebuffer_
#define _Outptr_opt_result_bytebuffer_(a)
#endif
#ifndef _Outptr_result_bytebuffer_to_
#define _Outptr_result_bytebuffer_to_(a, b)
#endif
#ifndef _Outptr_result_bytebuffer_maybenull_
#define _Outptr_result_bytebuffer_maybenull_(a)
#endif
#ifndef _Outptr_opt_result_bytebuffer_maybenull_
#define _Outptr_opt_result_bytebuffer_maybenull_(a)
#endif
#ifndef _Outptr_result_buffer_all_
#define _Outptr_result_buffer_all_(a)
#endif
#ifndef _Outptr_result_buffer_all_maybenull_
#define _Outptr_result_buffer_all_maybenull_(a)
#endif
#ifndef _Outref_
#define _Outref_
#endif
#ifndef _Outref_result_maybenull_
#define _Outref_result_maybenull_
#endif
#ifndef _Outref_result_buffer_
#define _Outref_result_buffer_(a)
#endif
#ifndef _Outref_result_bytebuffer_
#define _Outref_result_bytebuffer_(a)
#endif
#ifndef _Outref_result_nullonfailure_
#define _Outref_result_nullonfailure_
#endif
#ifndef _COM_Outptr_
#define _COM_Outptr_
#endif
#ifndef _COM_Outptr_opt_
#define _COM_Outptr_opt_
#endif
#ifndef _COM_Outptr_result_maybenull_
#define _COM_Outptr_result_maybenull_
#endif
#ifndef _COM_Outptr_opt_result_maybenull_
#define _COM_Outptr_opt_result_maybenull_
#endif
#ifndef _Deref_out_
#define _Deref_out_
#endif
#ifndef _Deref_out_opt_
#define _Deref_out_opt_
#endif
#ifndef _Deref_opt_out_
#define _Deref_opt_out_
#endif
#ifndef _Deref_out_z_
#define _Deref_out_z_
#endif
#ifndef _Deref_out_range_
#define _Deref_out_range_(a, b)
#endif
#ifndef _Deref_in_range_
#define _Deref_in_range_(a, b)
#endif
#ifndef _Deref_pre_maybenull_
#define _Deref_pre_maybenull_
#endif
#ifndef _Deref_post_maybenull_
#define _Deref_post_maybenull_
#endif
#ifndef _Deref_post_null_
#define _Deref_post_null_
#endif
#ifndef _Deref_post_notnull_
#define _Deref_post_notnull_
#endif
#ifndef _Deref_pre_notnull_
#define _Deref_pre_notnull_
#endif
#ifndef _Deref_post_z_
#define _Deref_post_z_
#endif
#ifndef _Deref_prepost_z_
#define _Deref_prepost_z_
#endif
#ifndef _Deref_out_z_cap_c_
#define _Deref_out_z_cap_c_(a)
#endif
#ifndef _Deref_post_cap_
#define _Deref_post_cap_(a)
#endif
#ifndef _Deref_post_bytecap_
#define _Deref_post_bytecap_(a)
#endif
#ifndef _Ret_
#define _Ret_
#endif
#ifndef _Ret_z_
#define _Ret_z_
#endif
#ifndef _Ret_maybenull_
#define _Ret_maybenull_
#endif
#ifndef _Ret_maybenull_z_
#define _Ret_maybenull_z_
#endif
#ifndef _Ret_notnull_
#define _Ret_notnull_
#endif
#ifndef _Ret_null_
#define _Ret_null_
#endif
#ifndef _Ret_valid_
#define _Ret_valid_
#endif
#ifndef _Ret_opt_
#define _Ret_opt_
#endif
#ifndef _Ret_writes_
#define _Ret_writes_(a)
#endif
#ifndef _Ret_writes_z_
#define _Ret_writes_z_(a)
#endif
#ifndef _Ret_writes_bytes_
#define _Ret_writes_bytes_(a)
#endif
#ifndef _Ret_writes_to_
#define _Ret_writes_to_(a, b)
#endif
#ifndef _Ret_writes_bytes_to_
#define _Ret_writes_bytes_to_(a, b)
#endif
#ifndef _Ret_writes_maybenull_
#define _Ret_writes_maybenull_(a)
#endif
#ifndef _Ret_writes_maybenull_z_
#define _Ret_writes_maybenull_z_(a)
#endif
#ifndef _Ret_writes_bytes_maybenull_
#define _Ret_writes_bytes_maybenull_(a)
#endif
#ifndef _Ret_writes_to_maybenull_
#define _Ret_writes_to_maybenull_(a, b)
#endif
#ifndef _Ret_writes_bytes_to_maybenull_
#define _Ret_writes_bytes_to_maybenull_(a, b)
#endif
#ifndef _Ret_range_
#define _Ret_range_(a, b)
#endif
#ifndef _Ret_satisfies_
#define _Ret_satisfies_(a)
#endif
#ifndef _Check_return_
#define _Check_return_
#endif
#ifndef _Must_inspect_result_
#define _Must_inspect_result_
#endif
#ifndef _Success_
#define _Success_(a)
#endif
#ifndef _Return_type_success_
#define _Return_type_success_(a)
#endif
#ifndef _Result_nullonfailure_
#define _Result_nullonfailure_
#endif
#ifndef _Result_zeroonfailure_
#define _Result_zeroonfailure_
#endif
#ifndef _Always_
#define _Always_(a)
#endif
#ifndef _On_failure_
#define _On_failure_(a)
#endif
#ifndef _When_
#define _When_(a, b)
#endif
#ifndef _At_
#define _At_(a, b)
#endif
#ifndef _At_buffer_
#define _At_buffer_(a, b, c, d)
#endif
#ifndef _Group_
#define _Group_(a)
#endif
#ifndef _Const_
#define _Const_
#endif
#ifndef _Pre_
#define _Pre_
#endif
#ifndef _Post_
#define _Post_
#endif
#ifndef _Prepost_z_
#define _Prepost_z_
#endif
#ifndef _Pre_z_
#define _Pre_z_
#endif
#ifndef _Post_z_
#define _Post_z_
#endif
#ifndef _Pre_valid_
#define _Pre_valid_
#endif
#ifndef _Post_valid_
#define _Post_valid_
#endif
#ifndef _Pre_invalid_
#define _Pre_invalid_
#endif
#ifndef _Post_invalid_
#define _Post_invalid_
#endif
#ifndef _Pre_notnull_
#define _Pre_notnull_
#endif
#ifndef _Pre_maybenull_
#define _Pre_maybenull_
#endif
#ifndef _Pre_null_
#define _Pre_null_
#endif
#ifndef _Post_notnull_
#define _Post_notnull_
#endif
#ifndef _Post_maybenull_
#define _Post_maybenull_
#endif
#ifndef _Post_null_
#define _Post_null_
#endif
#ifndef _Post_ptr_invalid_
#define _Post_ptr_invalid_
#endif
#ifndef _Pre_readable_size_
#define _Pre_readable_size_(a)
#endif
#ifndef _Pre_writable_size_
#define _Pre_writable_size_(a)
#endif
#ifndef _Pre_readable_byte_size_
#define _Pre_readable_byte_size_(a)
#endif
#ifndef _Pre_writable_byte_size_
#define _Pre_writable_byte_size_(a)
#endif
#ifndef _Post_readable_size_
#define _Post_readable_size_(a)
#endif
#ifndef _Post_writable_size_
#define _Post_writable_size_(a)
#endif
#ifndef _Post_readable_byte_size_
#define _Post_readable_byte_size_(a)
#endif
#ifndef _Post_writable_byte_size_
#define _Post_writable_byte_size_(a)
#endif
#ifndef _Pre_satisfies_
#define _Pre_satisfies_(a)
#endif
#ifndef _Post_satisfies_
#define _Post_satisfies_(a)
#endif
#ifndef _Pre_equal_to_
#define _Pre_equal_to_(a)
#endif
#ifndef _Post_equal_to_
#define _Post_equal_to_(a)
#endif
#ifndef _Pre_unknown_
#define _Pre_unknown_
#endif
#ifndef _Pre_opt_valid_
#define _Pre_opt_valid_
#endif
#ifndef _Pre_cap_
#define _Pre_cap_(a)
#endif
#ifndef _Pre_bytecap_
#define _Pre_bytecap_(a)
#endif
#ifndef _Post_cap_
#define _Post_cap_(a)
#endif
#ifndef _Post_bytecap_
#define _Post_bytecap_(a)
#endif
#ifndef _Pre_count_
#define _Pre_count_(a)
#endif
#ifndef _Post_count_
#define _Post_count_(a)
#endif
#ifndef _Pre_bytecount_
#define _Pre_bytecount_(a)
#endif
#ifndef _Post_bytecount_
#define _Post_bytecount_(a)
#endif
#ifndef _Null_terminated_
#define _Null_terminated_
#endif
#ifndef _NullNull_terminated_
#define _NullNull_terminated_
#endif
#ifndef _Null_
#define _Null_
#endif
#ifndef _Notnull_
#define _Notnull_
#endif
#ifndef _Maybenull_
#define _Maybenull_
#endif
#ifndef _Valid_
#define _Valid_
#endif
#ifndef _Notvalid_
#define _Notvalid_
#endif
#ifndef _Readable_elements_
#define _Readable_elements_(a)
#endif
#ifndef _Writable_elements_
#define _Writable_elements_(a)
#endif
#ifndef _Readable_bytes_
#define _Readable_bytes_(a)
#endif
#ifndef _Writable_bytes_
#define _Writable_bytes_(a)
#endif
#ifndef _Field_z_
#define _Field_z_
#endif
#ifndef _Field_size_
#define _Field_size_(a)
#endif
#ifndef _Field_size_opt_
#define _Field_size_opt_(a)
#endif
#ifndef _Field_size_bytes_
#define _Field_size_bytes_(a)
#endif
#ifndef _Field_size_bytes_opt_
#define _Field_size_bytes_opt_(a)
#endif
#ifndef _Field_size_part_
#define _Field_size_part_(a, b)
#endif
#ifndef _Field_size_part_opt_
#define _Field_size_part_opt_(a, b)
#endif
#ifndef _Field_size_bytes_part_
#define _Field_size_bytes_part_(a, b)
#endif
#ifndef _Field_size_bytes_part_opt_
#define _Field_size_bytes_part_opt_(a, b)
#endif
#ifndef _Field_size_full_
#define _Field_size_full_(a)
#endif
#ifndef _Field_size_full_opt_
#define _Field_size_full_opt_(a)
#endif
#ifndef _Field_size_bytes_full_
#define _Field_size_bytes_full_(a)
#endif
#ifndef _Field_size_bytes_full_opt_
#define _Field_size_bytes_full_opt_(a)
#endif
#ifndef _Field_range_
#define _Field_range_(a, b)
#endif
#ifndef _Struct_size_bytes_
#define _Struct_size_bytes_(a)
#endif
#ifndef _Use_decl_annotations_
#define _Use_decl_annotations_
#endif
#ifndef _Function_class_
#define _Function_class_(a)
#endif
#ifndef _Dispatch_type_
#define _Dispatch_type_(a)
#endif
#ifndef _Printf_format_string_
#define _Printf_format_string_
#endif
#ifndef _Printf_format_string_params_
#define _Printf_format_string_params_(a)
#endif
#ifndef _Scanf_format_string_
#define _Scanf_format_string_
#endif
#ifndef _Scanf_s_format_string_
#define _Scanf_s_format_string_
#endif
#ifndef _Format_string_impl_
#define _Format_string_impl_(a, b)
#endif
#ifndef _In_function_class_
#define _In_function_class_(a)
#endif
#ifndef _Analysis_assume_
#define _Analysis_assume_(a)
#endif
#ifndef __analysis_assume
#define __analysis_assume(a)
#endif
#ifndef _Analysis_assume_nullterminated_
#define _Analysis_assume_nullterminated_(a)
#endif
#ifndef _Analysis_mode_
#define _Analysis_mode_(a)
#endif
#ifndef _Analysis_noreturn_
#define _Analysis_noreturn_
#endif
#ifndef _Analysis_suppress_lock_checking_
#define _Analysis_suppress_lock_checking_(a)
#endif
#ifndef _Benign_race_begin_
#define _Benign_race_begin_
#endif
#ifndef _Benign_race_end_
#define _Benign_race_end_
#endif
#ifndef _No_competing_thread_
#define _No_competing_thread_
#endif
#ifndef _No_competing_thread_begin_
#define _No_competing_thread_begin_
#endif
#ifndef _No_competing_thread_end_
#define _No_competing_thread_end_
#endif
#ifndef _Acquires_lock_
#define _Acquires_lock_(a)
#endif
#ifndef _Releases_lock_
#define _Releases_lock_(a)
#endif
#ifndef _Acquires_exclusive_lock_
#define _Acquires_exclusive_lock_(a)
#endif
#ifndef _Releases_exclusive_lock_
#define _Releases_exclusive_lock_(a)
#endif
#ifndef _Acquires_shared_lock_
#define _Acquires_shared_lock_(a)
#endif
#ifndef _Releases_shared_lock_
#define _Releases_shared_lock_(a)
#endif
#ifndef _Acquires_nonreentrant_lock_
#define _Acquires_nonreentrant_lock_(a)
#endif
#ifndef _Releases_nonreentrant_lock_
#define _Releases_nonreentrant_lock_(a)
#endif
#ifndef _Requires_lock_held_
#define _Requires_lock_held_(a)
#endif
#ifndef _Requires_lock_not_held_
#define _Requires_lock_not_held_(a)
#endif
#ifndef _Requires_exclusive_lock_held_
#define _Requires_exclusive_lock_held_(a)
#endif
#ifndef _Requires_shared_lock_held_
#define _Requires_shared_lock_held_(a)
#endif
#ifndef _Requires_no_locks_held_
#define _Requires_no_locks_held_
#endif
#ifndef _Guarded_by_
#define _Guarded_by_(a)
#endif
#ifndef _Write_guarded_by_
#define _Write_guarded_by_(a)
#endif
#ifndef _Interlocked_
#define _Interlocked_
#endif
#ifndef _Interlocked_operand_
#define _Interlocked_operand_
#endif
#ifndef _Create_lock_level_
#define _Create_lock_level_(a)
#endif
#ifndef _Lock_level_order_
#define _Lock_level_order_(a, b)
#endif
#ifndef _Has_lock_kind_
#define _Has_lock_kind_(a)
#endif
#ifndef _Has_lock_level_
#define _Has_lock_level_(a)
#endif
#ifndef _Lock_kind_mutex_
#define _Lock_kind_mutex_
#endif
#ifndef _Lock_kind_event_
#define _Lock_kind_event_
#endif
#ifndef _Lock_kind_semaphore_
#define _Lock_kind_semaphore_
#endif
#ifndef _Lock_kind_spin_lock_
#define _Lock_kind_spin_lock_
#endif
#ifndef _Lock_kind_critical_section_
#define _Lock_kind_critical_section_
#endif
#ifndef _Post_same_lock_
#define _Post_same_lock_(a, b)
#endif
#ifndef _Internal_lock_level_order_
#define _Internal_lock_level_order_(a, b)
#endif
#ifndef _Frees_ptr_
#define _Frees_ptr_
#endif
#ifndef _Frees_ptr_opt_
#define _Frees_ptr_opt_
#endif
#ifndef _Reserved_
#define _Reserved_
#endif
#ifndef _Strict_type_match_
#define _Strict_type_match_
#endif
#ifndef _Literal_
#define _Literal_
#endif
#ifndef _Notliteral_
#define _Notliteral_
#endif
#ifndef _Enum_is_bitflag_
#define _Enum_is_bitflag_
#endif
#ifndef _Points_to_data_
#define _Points_to_data_
#endif
#ifndef _Unchanged_
#define _Unchanged_(a)
#endif
#ifndef _Old_
#define _Old_(a)
#endif
#ifndef _Param_
#define _Param_(a)
#endif
#ifndef _Curr_
#define _Curr_
#endif
#ifndef _Inexpressible_
#define _Inexpressible_(a)
#endif
#ifndef _Nullterm_length_
#define _Nullterm_length_(a)
#endif
#ifndef _String_length_
#define _String_length_(a)
#endif
#ifndef _Raises_SEH_exception_
#define _Raises_SEH_exception_
#endif
#ifndef _Maybe_raises_SEH_exception_
#define _Maybe_raises_SEH_exception_
#endif
#ifndef _Pre_defensive_
#define _Pre_defensive_
#endif
#ifndef _Post_defensive_
#define _Post_defensive_
#endif
#ifndef _In_count_
#define _In_count_(a)
#endif
#ifndef _In_bytecount_
#define _In_bytecount_(a)
#endif
#ifndef _In_opt_count_
#define _In_opt_count_(a)
#endif
#ifndef _In_opt_bytecount_
#define _In_opt_bytecount_(a)
#endif
#ifndef _Out_cap_c_
#define _Out_cap_c_(a)
#endif
#ifndef _Out_bytecap_c_
#define _Out_bytecap_c_(a)
#endif
#ifndef _Inout_opt_bytecap_
#define _Inout_opt_bytecap_(a)
#endif
#ifndef _Deref_out_opt_z_
#define _Deref_out_opt_z_
#endif
#ifndef _IRQL_requires_
#define _IRQL_requires_(a)
#endif
#ifndef _IRQL_requires_max_
#define _IRQL_requires_max_(a)
#endif
#ifndef _IRQL_requires_min_
#define _IRQL_requires_min_(a)
#endif
#ifndef _IRQL_requires_same_
#define _IRQL_requires_same_
#endif
#ifndef _IRQL_raises_
#define _IRQL_raises_(a)
#endif
#ifndef _IRQL_saves_
#define _IRQL_saves_
#endif
#ifndef _IRQL_restores_
#define _IRQL_restores_
#endif
#ifndef _IRQL_saves_global_
#define _IRQL_saves_global_(a, b)
#endif
#ifndef _IRQL_restores_global_
#define _IRQL_restores_global_(a, b)
#endif
#ifndef _IRQL_always_function_max_
#define _IRQL_always_function_max_(a)
#endif
#ifndef _IRQL_always_function_min_
#define _IRQL_always_function_min_(a)
#endif
#ifndef _IRQL_is_cancel_
#define _IRQL_is_cancel_
#endif
#ifndef _IRQL_uses_cancel_
#define _IRQL_uses_cancel_
#endif
#ifndef _IRQL_restores_unless_
#define _IRQL_restores_unless_(a)
#endif
#ifndef _IRQL_requires_lock_held_
#define _IRQL_requires_lock_held_(a)
#endif
#ifndef _Kernel_clear_do_init_
#define _Kernel_clear_do_init_(a)
#endif
#ifndef _Kernel_requires_resource_held_
#define _Kernel_requires_resource_held_(a)
#endif
#ifndef _Kernel_requires_resource_not_held_
#define _Kernel_requires_resource_not_held_(a)
#endif
#ifndef _Kernel_acquires_resource_
#define _Kernel_acquires_resource_(a)
#endif
#ifndef _Kernel_releases_resource_
#define _Kernel_releases_resource_(a)
#endif
#ifndef _Kernel_float_saved_
#define _Kernel_float_saved_
#endif
#ifndef _Kernel_float_restored_
#define _Kernel_float_restored_
#endif
#ifndef _Kernel_float_used_
#define _Kernel_float_used_
#endif
#ifndef _Kernel_IoGetDmaAdapter_
#define _Kernel_IoGetDmaAdapter_
#endif
#ifndef _Kernel_ExAllocatePool_
#define _Kernel_ExAllocatePool_
#endif
#ifndef _Kernel_ExFreePool_
#define _Kernel_ExFreePool_
#endif
#ifndef _Kernel_IoCompleteRequest_
#define _Kernel_IoCompleteRequest_
#endif
#ifndef _Kernel_IoCallDriver_
#define _Kernel_IoCallDriver_
#endif
#ifndef _Kernel_IoMarkIrpPending_
#define _Kernel_IoMarkIrpPending_
#endif
#ifndef _Kernel_IoSkipCurrentIrpStackLocation_
#define _Kernel_IoSkipCurrentIrpStackLocation_
#endif
#ifndef _Kernel_IoCopyCurrentIrpStackLocationToNext_
#define _Kernel_IoCopyCurrentIrpStackLocationToNext_
#endif
#ifndef _Kernel_IoSetCompletionRoutine_
#define _Kernel_IoSetCompletionRoutine_
#endif
#ifndef _Kernel_rounding_
#define _Kernel_rounding_
#endif
#ifndef _Kernel_mutex_
#define _Kernel_mutex_
#endif
#ifndef _Post_count_c_
#define _Post_count_c_(a)
#endif
#ifndef _Pre_count_c_
#define _Pre_count_c_(a)
#endif
#ifndef __drv_aliasesMem
#define __drv_aliasesMem
#endif
#ifndef __drv_allocatesMem
#define __drv_allocatesMem(a)
#endif
#ifndef __drv_freesMem
#define __drv_freesMem(a)
#endif
#ifndef __drv_dispatchType
#define __drv_dispatchType(a)
#endif
#ifndef __drv_dispatchType_other
#define __drv_dispatchType_other
#endif
#ifndef __drv_maxIRQL
#define __drv_maxIRQL(a)
#endif
#ifndef __drv_minIRQL
#define __drv_minIRQL(a)
#endif
#ifndef __drv_requiresIRQL
#define __drv_requiresIRQL(a)
#endif
#ifndef __drv_sameIRQL
#define __drv_sameIRQL
#endif
#ifndef __drv_savesIRQL
#define __drv_savesIRQL
#endif
#ifndef __drv_restoresIRQL
#define __drv_restoresIRQL
#endif
#ifndef __drv_savesIRQLGlobal
#define __drv_savesIRQLGlobal(a, b)
#endif
#ifndef __drv_restoresIRQLGlobal
#define __drv_restoresIRQLGlobal(a, b)
#endif
#ifndef __drv_raisesIRQL
#define __drv_raisesIRQL(a)
#endif
#ifndef __drv_setsIRQL
#define __drv_setsIRQL(a)
#endif
#ifndef __drv_when
#define __drv_when(a, b)
#endif
#ifndef __drv_functionClass
#define __drv_functionClass(a)
#endif
#ifndef __drv_strictTypeMatch
#define __drv_strictTypeMatch(a)
#endif
#ifndef __drv_strictType
#define __drv_strictType(a, b)
#endif
#ifndef __drv_arg
#define __drv_arg(a, b)
#endif
#ifndef __drv_out
#define __drv_out(a)
#endif
#ifndef __drv_in
#define __drv_in(a)
#endif
#ifndef __drv_out_deref
#define __drv_out_deref(a)
#endif
#ifndef __drv_in_deref
#define __drv_in_deref(a)
#endif
#ifndef __drv_reportError
#define __drv_reportError(a)
#endif
#ifndef __drv_valueIs
#define __drv_valueIs(a)
#endif
#ifndef __drv_inTry
#define __drv_inTry
#endif
#ifndef __drv_notInTry
#define __drv_notInTry
#endif
#ifndef __drv_useCancelIRQL
#define __drv_useCancelIRQL
#endif
#ifndef __drv_isCancelIRQL
#define __drv_isCancelIRQL
#endif
#ifndef __drv_acquiresCancelSpinLock
#define __drv_acquiresCancelSpinLock
#endif
#ifndef __drv_releasesCancelSpinLock
#define __drv_releasesCancelSpinLock
#endif
#ifndef __drv_mustHold
#define __drv_mustHold(a)
#endif
#ifndef __drv_neverHold
#define __drv_neverHold(a)
#endif
#ifndef __drv_acquiresResource
#define __drv_acquiresResource(a)
#endif
#ifndef __drv_releasesResource
#define __drv_releasesResource(a)
#endif
#ifndef __drv_mustHoldCriticalRegion
#define __drv_mustHoldCriticalRegion
#endif
#ifndef __drv_neverHoldCriticalRegion
#define __drv_neverHoldCriticalRegion
#endif
#ifndef __drv_acquiresCriticalRegion
#define __drv_acquiresCriticalRegion
#endif
#ifndef __drv_releasesCriticalRegion
#define __drv_releasesCriticalRegion
#endif
#ifndef __drv_mustHoldCancelSpinLock
#define __drv_mustHoldCancelSpinLock
#endif
#ifndef __drv_neverHoldCancelSpinLock
#define __drv_neverHoldCancelSpinLock
#endif
#ifndef __drv_preferredFunction
#define __drv_preferredFunction(a, b)
#endif
#ifndef __drv_floatSaved
#define __drv_floatSaved
#endif
#ifndef __drv_floatRestored
#define __drv_floatRestored
#endif
#ifndef __drv_floatUsed
#define __drv_floatUsed
#endif
#ifndef __drv_nonConstant
#define __drv_nonConstant
#endif
#ifndef __drv_constant
#define __drv_constant
#endif
#ifndef __drv_formatString
#define __drv_formatString(a)
#endif
#ifndef __drv_clearDoInit
#define __drv_clearDoInit(a)
#endif
#ifndef __drv_IoGetDmaAdapter
#define __drv_IoGetDmaAdapter
#endif
#ifndef __drv_completeRequest
#define __drv_completeRequest
#endif
#ifndef __drv_interlocked
#define __drv_interlocked
#endif
#ifndef __drv_innerMustHoldGlobal
#define __drv_innerMustHoldGlobal(a, b)
#endif
#ifndef __drv_innerNeverHoldGlobal
#define __drv_innerNeverHoldGlobal(a, b)
#endif
#ifndef __drv_acquiresExclusiveResource
#define __drv_acquiresExclusiveResource(a)
#endif
#ifndef __drv_releasesExclusiveResource
#define __drv_releasesExclusiveResource(a)
#endif
#ifndef __drv_acquiresResourceGlobal
#define __drv_acquiresResourceGlobal(a, b)
#endif
#ifndef __drv_releasesResourceGlobal
#define __drv_releasesResourceGlobal(a, b)
#endif
#ifndef __drv_mustHoldGlobal
#define __drv_mustHoldGlobal(a, b)
#endif
#ifndef __drv_neverHoldGlobal
#define __drv_neverHoldGlobal(a, b)
#endif
#ifndef __drv_minFunctionIRQL
#define __drv_minFunctionIRQL(a)
#endif
#ifndef __drv_maxFunctionIRQL
#define __drv_maxFunctionIRQL(a)
#endif
#ifndef __drv_Mode_impl
#define __drv_Mode_impl(a)
#endif
#ifndef __drv_KMDF
#define __drv_KMDF
#endif
#ifndef __drv_WDM
#define __drv_WDM
#endif
#ifndef __drv_defined
#define __drv_defined(a)
#endif
#ifndef __drv_declspec
#define __drv_declspec(a)
#endif
#ifndef __drv_nonconstant
#define __drv_nonconstant
#endif
#ifndef __drv_deref
#define __drv_deref(a)
#endif
#ifndef __drv_typeConst
#define __drv_typeConst
#endif
#ifndef __drv_typeCond
#define __drv_typeCond
#endif
#ifndef __drv_typeBitset
#define __drv_typeBitset
#endif
#ifndef __drv_typeExpr
#define __drv_typeExpr
#endif
#ifndef __in
#define __in
#endif
#ifndef __out
#define __out
#endif
#ifndef __inout
#define __inout
#endif
#ifndef __in_opt
#define __in_opt
#endif
#ifndef __out_opt
#define __out_opt
#endif
#ifndef __inout_opt
#define __inout_opt
#endif
#ifndef __in_z
#define __in_z
#endif
#ifndef __in_opt_z
#define __in_opt_z
#endif
#ifndef __out_z
#define __out_z
#endif
#ifndef __inout_z
#define __inout_z
#endif
#ifndef __in_bcount
#define __in_bcount(a)
#endif
#ifndef __in_bcount_opt
#define __in_bcount_opt(a)
#endif
#ifndef __in_ecount
#define __in_ecount(a)
#endif
#ifndef __in_ecount_opt
#define __in_ecount_opt(a)
#endif
#ifndef __out_bcount
#define __out_bcount(a)
#endif
#ifndef __out_bcount_opt
#define __out_bcount_opt(a)
#endif
#ifndef __out_ecount
#define __out_ecount(a)
#endif
#ifndef __out_ecount_opt
#define __out_ecount_opt(a)
#endif
#ifndef __out_bcount_part
#define __out_bcount_part(a, b)
#endif
#ifndef __out_ecount_part
#define __out_ecount_part(a, b)
#endif
#ifndef __out_bcount_full
#define __out_bcount_full(a)
#endif
#ifndef __out_ecount_full
#define __out_ecount_full(a)
#endif
#ifndef __inout_bcount
#define __inout_bcount(a)
#endif
#ifndef __inout_ecount
#define __inout_ecount(a)
#endif
#ifndef __inout_bcount_opt
#define __inout_bcount_opt(a)
#endif
#ifndef __inout_ecount_opt
#define __inout_ecount_opt(a)
#endif
#ifndef __deref_out
#define __deref_out
#endif
#ifndef __deref_out_opt
#define __deref_out_opt
#endif
#ifndef __deref_opt_out
#define __deref_opt_out
#endif
#ifndef __deref_out_ecount
#define __deref_out_ecount(a)
#endif
#ifndef __deref_out_bcount
#define __deref_out_bcount(a)
#endif
#ifndef __deref_inout
#define __deref_inout
#endif
#ifndef __deref_in
#define __deref_in
#endif
#ifndef __checkReturn
#define __checkReturn
#endif
#ifndef __success
#define __success(a)
#endif
#ifndef __reserved
#define __reserved
#endif
#ifndef __nullterminated
#define __nullterminated
#endif
#ifndef __nullnullterminated
#define __nullnullterminated
#endif
#ifndef __field_bcount
#define __field_bcount(a)
#endif
#ifndef __field_ecount
#define __field_ecount(a)
#endif
#ifndef __field_bcount_part
#define __field_bcount_part(a, b)
#endif
#ifndef __field_ecount_part
#define __field_ecount_part(a, b)
#endif
#ifndef __out_xcount
#define __out_xcount(a)
#endif
#ifndef __in_xcount
#define __in_xcount(a)
#endif
#ifndef __callback
#define __callback
#endif
#ifndef __override
#define __override
#endif
#ifndef __fallthrough
#define __fallthrough
#endif
#ifndef __format_string
#define __format_string
#endif
#ifndef __typefix
#define __typefix(a)
#endif
#ifndef __range
#define __range(a, b)
#endif
#ifndef __in_range
#define __in_range(a, b)
#endif
#ifndef __out_range
#define __out_range(a, b)
#endif
#ifndef __bcount
#define __bcount(a)
#endif
#ifndef __ecount
#define __ecount(a)
#endif
#ifndef __notnull
#define __notnull
#endif
#ifndef __maybenull
#define __maybenull
#endif
#ifndef __readonly
#define __readonly
#endif
#ifndef __post
#define __post
#endif
#ifndef __pre
#define __pre
#endif
#ifndef __valid
#define __valid
#endif
#ifndef __notvalid
#define __notvalid
#endif
#ifndef __control_entrypoint
#define __control_entrypoint(a)
#endif
#ifndef __rpc_entry
#define __rpc_entry
#endif
#ifndef __kernel_entry
#define __kernel_entry
#endif
#ifndef __gdi_entry
#define __gdi_entry
#endif
#ifndef __data_entrypoint
#define __data_entrypoint(a)
#endif
#ifndef __analysis_noreturn
#define __analysis_noreturn
#endif
#ifndef __inner_checkReturn
#define __inner_checkReturn
#endif
#ifndef __inner_exceptthat
#define __inner_exceptthat
#endif
#ifndef __inner_typefix
#define __inner_typefix(a)
#endif
#ifndef __in_nz
#define __in_nz
#endif
#ifndef __in_opt_nz
#define __in_opt_nz
#endif
#ifndef __out_nz
#define __out_nz
#endif
#ifndef __out_nz_opt
#define __out_nz_opt
#endif
#ifndef __bound
#define __bound
#endif
#ifndef __allocator
#define __allocator
#endif
#ifndef __out_awcount
#define __out_awcount(a, b)
#endif
#ifndef __in_awcount
#define __in_awcount(a, b)
#endif

#endif /* PNPSIM_WDK_SAL_LIST_H */
