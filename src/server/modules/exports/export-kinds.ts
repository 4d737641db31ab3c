/** What can be exported; apart from the service so the CLI can name them without loading it. */
export const EXPORT_KINDS = ['ledger', 'dispatch', 'warnings', 'template'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
