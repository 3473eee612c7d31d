/** What the sidebar says about a held reply (issue 12): packages/ui's own sentences, imported by path like SIDEBAR. */
export { draftMessages as DRAFT } from '../../../packages/ui/src/draft/draft-messages';
