export { App, type AppProps } from './elements/App';
export { createRevealApi, type RevealApi, type ApiFailure, type ApiResult } from './api/reveal-api';
export { revealReducer, initialRevealState, type RevealState, type RevealStatus } from './reveal/reveal.reducer';
export { HEADINGS, MESSAGES } from './messages';
