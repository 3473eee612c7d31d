export {
  createSlackStandIn,
  messageShortcut,
  sendSigned,
  slackSignature,
  slashCommand,
  startSlackStandIn,
  type SignedSendOptions,
  type SlackMember,
  type SlackPosted,
  type SlackStandIn,
  type SlackStandInOptions,
  type StartedSlackStandIn,
} from './slack.stand-in';
