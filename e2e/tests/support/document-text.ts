// Issue 11: the sidebar's document words, from the UI package itself (one source of truth).
export { documentMessages as DOCUMENTS } from '../../../packages/ui/src/documents/document-messages';
