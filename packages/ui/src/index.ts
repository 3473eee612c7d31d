export { SidebarRoot, CONNECT_TIMEOUT_MS, type SidebarRootProps, type SidebarConnection } from './elements/SidebarRoot';
export { TicketSidebar, type TicketSidebarProps } from './elements/TicketSidebar';
export type { SidebarState } from './elements/SidebarFrame';
export { POLL_INTERVAL_MS } from './activity/use-activity';
export { messages } from './messages';
